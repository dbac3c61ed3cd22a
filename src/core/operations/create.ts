import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MigrationEngine, MigrationPlan } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import { withFileLock } from '../fileLock';
import { assertFolderUsable, compareMigrationNames, LOCKFILE, lockfileContent, MIGRATION_FILE, readMigrationsFolder } from '../migrations/folder';
import { migrationStatuses } from '../migrations/history';

export interface CreateOptions {
  name: string;
  /** Write the migration without applying it (`--create-only`). */
  draft: boolean;
  /** Without it, a change that loses data is refused before anything is written. */
  acceptDataLoss: boolean;
  /** Injected for tests; Prisma names folders with the UTC time of creation. */
  now?: Date;
  /** How long to wait for another process creating a migration in the same folder. */
  lockTimeoutMs?: number;
}

export interface CreateResult {
  /** Null when the schema matches the history and nothing was written. */
  name: string | null;
  dir: string | null;
  plan: MigrationPlan;
  /** Migrations applied by this call (pending ones first, then the new one), empty for a draft. */
  applied: string[];
}

/** Prisma's folder name for a migration named `name` at `now`: the UTC time, then the name as Prisma words it. */
export async function migrationFolderName(name: string, now: Date): Promise<string> {
  return `${stampOf(now)}_${await usableSlug(name)}`;
}

/** Why `name` cannot name a migration, or undefined when it can (the editor validates as the user types). */
export async function migrationNameProblem(name: string): Promise<string | undefined> {
  return (await migrationSlug(name)) ? undefined : `"${name}" is not a usable migration name: use letters, digits and _.`;
}

/**
 * The name as Prisma writes it into a folder name (`migrate dev --name`: its own slugify, which
 * transliterates `café` to `cafe`, splits `addUser` into `add_user`, joins words with `_`, cuts at 200).
 */
export async function migrationSlug(name: string): Promise<string> {
  if (name.trim() === '') return ''; // Prisma would prompt for a name instead
  const { getMigrationName } = require('../engine/prismaMigrate') as typeof import('../engine/prismaMigrate');
  return (await getMigrationName(name)).name ?? '';
}

/** What to tell the user when the folder name does not carry `name` as typed, or undefined when it does. */
export async function migrationNameNote(name: string): Promise<string | undefined> {
  const slug = await migrationSlug(name);
  return slug && slug !== name ? `"${name}" becomes ${slug} in the folder name (Prisma's naming rules).` : undefined;
}

/** The folder-name form of `name`; a name that leaves nothing usable is a config error. */
export async function usableSlug(name: string): Promise<string> {
  const problem = await migrationNameProblem(name);
  if (problem) throw new MigrateError('config', problem);
  return migrationSlug(name);
}

const stampOf = (date: Date) => date.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/**
 * `migrate dev` made safe: plans first (SQL, warnings, unexecutable steps with real row counts), refuses
 * data loss unless accepted, writes the folder atomically, then applies unless it is a draft. The whole of
 * it holds the migrations folder's lock: a second create (another terminal, the editor) waits, then plans
 * on top of the first one's migration instead of writing the same change again.
 */
export function createMigration(engine: MigrationEngine, migrationsDir: string, options: CreateOptions): Promise<CreateResult> {
  return withMigrationsFolderLock(migrationsDir, options.lockTimeoutMs ?? 120_000, () => createUnlocked(engine, migrationsDir, options));
}

/** Holds the lock every process that writes migrations into `migrationsDir` takes (CLI and editor alike). */
export function withMigrationsFolderLock<T>(migrationsDir: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  return withFileLock(
    besideMigrationsFolder(migrationsDir, '.lock'),
    { waitMs: timeoutMs, held: (who) => `Waited ${Math.round(timeoutMs / 1000)} s for the migrations folder ${migrationsDir}: it is locked by ${who}.` },
    fn,
  );
}

/**
 * A path next to the migrations folder, hidden and named after it: Prisma lists every sub-folder of the
 * migrations folder as a migration (dot folders too), so nothing of ours may live inside it.
 */
function besideMigrationsFolder(migrationsDir: string, suffix: string): string {
  return path.join(path.dirname(migrationsDir), `.${path.basename(migrationsDir)}${suffix}`);
}

async function createUnlocked(engine: MigrationEngine, migrationsDir: string, options: CreateOptions): Promise<CreateResult> {
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
  const name = await nextMigrationName(options.name, options.now ?? new Date(), folder.migrations.at(-1)?.name);
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
 * Migrations run in Prisma's order of folder names: a new one must sort after the last, even when created
 * within the same second, on a machine whose clock is behind the teammate's who wrote the last one, or
 * after a folder without a timestamp (`manual_audit`; digits sort before letters). It then takes the
 * last one's prefix (`manual_audit_<time>_<name>`) and a time past the last one's.
 */
export async function nextMigrationName(name: string, now: Date, last: string | undefined): Promise<string> {
  const slug = await usableSlug(name);
  const candidate = `${stampOf(now)}_${slug}`;
  if (!last || compareMigrationNames(candidate, last) > 0) return candidate;
  const stamped = /^(.*?)(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})_/.exec(last);
  const prefix = stamped ? stamped[1] : `${last}_`;
  const lastTime = stamped ? Date.UTC(+stamped[2], +stamped[3] - 1, +stamped[4], +stamped[5], +stamped[6], +stamped[7]) : -Infinity;
  const next = `${prefix}${stampOf(new Date(Math.max(now.getTime(), lastTime + 1000)))}_${slug}`;
  if (compareMigrationNames(next, last) <= 0) {
    throw new MigrateError('migrationsFolder', `No folder name for "${name}" sorts after the last migration, ${last}: rename that folder so it starts with its timestamp.`, { migration: last });
  }
  return next;
}

function bullets(feedback: ReadonlyArray<{ message: string }>): string {
  return feedback.map((f) => `  • ${f.message}`).join('\n');
}

/**
 * Written into a staging folder beside the migrations folder (same filesystem, so the rename is atomic) and
 * renamed into place: Prisma never lists a folder without its SQL. `replacing` names folders removed once
 * the new one is complete (a squash), so a failure leaves them in place.
 */
export function writeMigrationFolder(migrationsDir: string, name: string, script: string, replacing: readonly string[] = []): void {
  const target = path.join(migrationsDir, name);
  if (existsSync(target) && !replacing.includes(name)) throw new MigrateError('migrationsFolder', `A migration named ${name} already exists.`);
  mkdirSync(migrationsDir, { recursive: true });
  const staging = mkdtempSync(besideMigrationsFolder(migrationsDir, '-'));
  try {
    writeFileSync(path.join(staging, MIGRATION_FILE), script);
    for (const old of replacing) rmSync(path.join(migrationsDir, old), { recursive: true, force: true });
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
