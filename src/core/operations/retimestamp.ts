import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { MigrateError } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import { nextMigrationName } from './create';

/**
 * Moves a migration that came in with a merge after the last one: its folder gets a timestamp later than
 * every other migration's, keeping its name. Only for migrations no database has applied (the caller
 * checks): an applied migration's name is in `_prisma_migrations`.
 */
export function retimestampMigration(folder: MigrationsFolder, name: string, now = new Date()): string {
  const migration = folder.migrations.find((m) => m.name === name);
  if (!migration) throw new MigrateError('config', `There is no migration ${name} in ${folder.dir}.`, { migration: name });
  const label = name.replace(/^\d{14}_/, '');
  const last = folder.migrations.filter((m) => m.name !== name).at(-1)?.name;
  const renamed = nextMigrationName(label, now, last);
  if (existsSync(path.join(folder.dir, renamed))) throw new MigrateError('migrationsFolder', `A migration named ${renamed} already exists.`, { migration: renamed });
  renameSync(migration.dir, path.join(folder.dir, renamed));
  return renamed;
}
