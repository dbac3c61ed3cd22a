import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { MigrationsFolder } from '../migrations/folder';

export const TEST_FILE_SUFFIX = '.test.sql';

/** The test file a migration's starter test is written to. */
export const SCAFFOLD_FILE = `migration${TEST_FILE_SUFFIX}`;

export interface MigrationTestFileRef {
  migration: string;
  /** Absolute path of the `*.test.sql` file. */
  file: string;
}

/**
 * Every `*.test.sql` file directly inside a migration's folder, in the history's order and by name within
 * a migration. Prisma reads only `migration.sql` there, so the files travel with the migration and deploy
 * ignores them.
 */
export function findMigrationTestFiles(folder: MigrationsFolder): MigrationTestFileRef[] {
  return folder.migrations.flatMap((migration) =>
    readdirSync(migration.dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(TEST_FILE_SUFFIX))
      .map((entry) => entry.name)
      .sort()
      .map((name) => ({ migration: migration.name, file: path.join(migration.dir, name) })),
  );
}
