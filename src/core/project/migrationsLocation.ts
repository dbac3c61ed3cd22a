import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { MigrateError } from '../errors';
import { LOCKFILE, MIGRATION_FILE, type MigrationsFolder, readMigrationsFolder } from '../migrations/folder';
import type { PrismaProject } from '../types';

/** Where one Prisma version puts a schema's migrations when nothing configures it. */
export interface MigrationsConvention {
  dir: string;
  /** Which Prisma, in words: "Prisma 7", "Prisma ≤ 6.5", … */
  by: string;
}

/**
 * The default migrations folders of a schema, newest Prisma first. A single file: beside it, in every
 * version. A schema folder differs by version — Prisma 7 (`inferDirectoryConfig` of @prisma/internals
 * 7.x): inside the folder; Prisma 6.6 to 6.19 (the same function then): beside the file holding the
 * datasource; Prisma 6.5 and earlier (@prisma/migrate's `Migrate`: the schema path's dirname): beside the
 * folder.
 */
export function migrationsConventions(schemaPath: string, datasourceFile: string): MigrationsConvention[] {
  if (!isFolder(schemaPath)) return [{ dir: path.join(path.dirname(schemaPath), 'migrations'), by: 'Prisma' }];
  const conventions = [
    { dir: path.join(schemaPath, 'migrations'), by: 'Prisma 7' },
    { dir: path.join(path.dirname(datasourceFile), 'migrations'), by: 'Prisma 6.6 to 6.19' },
    { dir: path.join(path.dirname(schemaPath), 'migrations'), by: 'Prisma ≤ 6.5' },
  ];
  return conventions.filter((c, i) => conventions.findIndex((d) => d.dir === c.dir) === i);
}

/**
 * The migrations folder of a schema nothing configures one for: the default folder that holds migrations;
 * with none yet, where the Prisma that would find the schema this way puts them (`prisma65Layout`: the
 * `prisma/schema` folder only Prisma 6.5 and earlier found by default); with several, an error naming them.
 */
export function defaultMigrationsDir(schemaPath: string, datasourceFile: string, prisma65Layout: boolean): string {
  const conventions = migrationsConventions(schemaPath, datasourceFile);
  const used = conventions.filter((c) => holdsMigrations(c.dir));
  if (used.length === 1) return used[0].dir;
  if (used.length > 1) {
    const places = used.map((c) => `${c.dir} (the ${c.by} default)`).join(' and ');
    throw new MigrateError(
      'migrationsFolder',
      `Migrations in more than one place for the schema ${schemaPath}: ${places}. Keep one, or say which with migrations.path in prisma.config.ts.`,
    );
  }
  return (prisma65Layout ? conventions.at(-1)! : conventions[0]).dir;
}

/**
 * The history `apply` deploys. An empty one is refused while another default place of the schema holds
 * migrations (a layout read for another Prisma version, a migrations.path that points elsewhere): applying
 * nothing and saying "done" would hide it.
 */
export function historyToApply(project: PrismaProject): MigrationsFolder {
  const folder = readMigrationsFolder(project.migrationsDir);
  if (folder.migrations.length > 0) return folder;
  const elsewhere = migrationsConventions(project.schemaPath, project.datasourcePosition?.file ?? project.schemaPath).filter(
    (c) => path.resolve(c.dir) !== path.resolve(project.migrationsDir) && holdsMigrations(c.dir),
  );
  if (elsewhere.length === 0) return folder;
  const found = elsewhere.map((c) => `${c.dir} (the ${c.by} default)`).join(' and ');
  throw new MigrateError(
    'migrationsFolder',
    `No migrations in ${project.migrationsDir}, where they were looked for; ${found} ${elsewhere.length > 1 ? 'have' : 'has'} some. Nothing was applied: set migrations.path in prisma.config.ts, or move them.`,
  );
}

/** Whether a folder holds a migration history: a lockfile, or a sub-folder with a migration.sql. */
export function holdsMigrations(dir: string): boolean {
  if (existsSync(path.join(dir, LOCKFILE))) return true;
  try {
    return readdirSync(dir, { withFileTypes: true }).some((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, MIGRATION_FILE)));
  } catch {
    return false;
  }
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
