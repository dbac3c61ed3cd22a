import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MigrationEngine, MigrationPlan } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import { assertFolderUsable, LOCKFILE, lockfileContent, MIGRATION_FILE, readMigrationsFolder } from '../migrations/folder';
import { migrationStatuses } from '../migrations/history';

export interface CreateOptions {
  name: string;
  /** Write the migration without applying it (`--create-only`). */
  draft: boolean;
  /** Without it, a change that loses data is refused before anything is written. */
  acceptDataLoss: boolean;
  /** Injected for tests; Prisma names folders with the UTC time of creation. */
  now?: Date;
}

export interface CreateResult {
  /** Null when the schema matches the history and nothing was written. */
  name: string | null;
  dir: string | null;
  plan: MigrationPlan;
  /** Migrations applied by this call (pending ones first, then the new one), empty for a draft. */
  applied: string[];
}

/** A migration name as Prisma writes it into a folder name: lower-case words joined by `_`. */
export function migrationFolderName(name: string, now: Date): string {
  const problem = migrationNameProblem(name);
  if (problem) throw new MigrateError('config', problem);
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}_${migrationSlug(name)}`;
}

/** Why `name` cannot name a migration, or undefined when it can (the editor validates as the user types). */
export function migrationNameProblem(name: string): string | undefined {
  return migrationSlug(name) ? undefined : `"${name}" is not a usable migration name: use letters, digits and _.`;
}

/** The words of a migration name as they appear in its folder name. */
export function migrationSlug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
}

/**
 * `migrate dev` made safe: plans first (SQL, warnings, unexecutable steps with real row counts), refuses
 * data loss unless accepted, writes the folder atomically, then applies unless it is a draft.
 */
export async function createMigration(engine: MigrationEngine, migrationsDir: string, options: CreateOptions): Promise<CreateResult> {
  const folder = readMigrationsFolder(migrationsDir);
  assertFolderUsable(folder, engine.provider);
  const rows = (await engine.readMigrationRows()) ?? [];
  const failed = migrationStatuses(folder.migrations, rows).find((m) => m.status === 'failed');
  if (failed) {
    throw new MigrateError('state', `Migration ${failed.name} failed on the database; resolve it before creating a new one.`, {
      migration: failed.name,
    });
  }

  const plan = await engine.planMigration(folder);
  const name = nextMigrationName(options.name, options.now ?? new Date(), folder.migrations.at(-1)?.name);
  if (!plan.hasChanges && !options.draft) return { name: null, dir: null, plan, applied: [] };
  if (plan.unexecutableSteps.length > 0 && !options.draft) {
    throw new MigrateError(
      'refused',
      `The migration cannot run on this database as it is:\n${bullets(plan.unexecutableSteps)}\nCreate it as a draft and edit its SQL, or change the schema.`,
    );
  }
  if (plan.warnings.length > 0 && !options.acceptDataLoss) {
    throw new MigrateError('refused', `The migration would lose data:\n${bullets(plan.warnings)}\nNothing was written. Accept the data loss explicitly to create it.`);
  }

  const dir = path.join(migrationsDir, name);
  writeMigrationFolder(migrationsDir, name, plan.script);
  if (folder.lockfile === null) writeFileSync(path.join(migrationsDir, LOCKFILE), lockfileContent(engine.provider));
  const applied = options.draft ? [] : await engine.applyPending(readMigrationsFolder(migrationsDir));
  return { name, dir, plan, applied };
}

/**
 * Migrations run in folder-name order: a new one must sort after the last, even when created within the
 * same second or on a machine whose clock is behind the teammate's who wrote the last one.
 */
export function nextMigrationName(name: string, now: Date, last: string | undefined): string {
  const candidate = migrationFolderName(name, now);
  if (!last || candidate > last) return candidate;
  const stamp = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/.exec(last);
  if (!stamp) return candidate;
  const [, y, mo, d, h, mi, s] = stamp.map(Number);
  return migrationFolderName(name, new Date(Date.UTC(y, mo - 1, d, h, mi, s + 1)));
}

function bullets(feedback: ReadonlyArray<{ message: string }>): string {
  return feedback.map((f) => `  • ${f.message}`).join('\n');
}

/** Written under a temporary name and renamed: Prisma never sees a folder without its SQL. */
export function writeMigrationFolder(migrationsDir: string, name: string, script: string): void {
  const target = path.join(migrationsDir, name);
  if (existsSync(target)) throw new MigrateError('migrationsFolder', `A migration named ${name} already exists.`);
  const temporary = path.join(migrationsDir, `.${name}.tmp`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    writeFileSync(path.join(temporary, MIGRATION_FILE), script);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}
