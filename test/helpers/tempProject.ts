import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lockfileContent } from '../../src/core/migrations/folder';

export interface TempProject {
  root: string;
  schemaPath: string;
  migrationsDir: string;
  /** Writes (or overwrites) a migration folder. */
  addMigration(name: string, sql: string): string;
  writeSchema(models: string): void;
  schemaText(): string;
  remove(): void;
}

export function datasource(provider: 'sqlite' | 'postgresql' | 'mysql'): string {
  return `datasource db {\n  provider = "${provider}"\n}\n`;
}

/** A throw-away Prisma project on disk: prisma/schema.prisma and prisma/migrations with a lockfile. */
export function tempProject(provider: 'sqlite' | 'postgresql' | 'mysql', models = ''): TempProject {
  const root = mkdtempSync(path.join(tmpdir(), 'pm-project-'));
  const prismaDir = path.join(root, 'prisma');
  const schemaPath = path.join(prismaDir, 'schema.prisma');
  const migrationsDir = path.join(prismaDir, 'migrations');
  mkdirSync(migrationsDir, { recursive: true });
  writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), lockfileContent(provider));
  let text = '';
  const project: TempProject = {
    root,
    schemaPath,
    migrationsDir,
    addMigration(name, sql) {
      const dir = path.join(migrationsDir, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'migration.sql'), sql);
      return dir;
    },
    writeSchema(body) {
      text = `${datasource(provider)}\n${body}`;
      writeFileSync(schemaPath, text);
    },
    schemaText: () => text,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  project.writeSchema(models);
  return project;
}
