import type { GitView } from '../../core/git/migrationGit';
import type { ObjectReport } from '../../core/objects/databaseObjects';
import type { PrismaProject, StatusReport } from '../../core/types';
import type { SchemaChangesParams } from '../../shared/protocol';

/** What the view and the status bar show for one project: its status, or why there is none. */
export interface ProjectState {
  project: PrismaProject;
  /** Where migrations run, for people (never a password). */
  databaseLabel: string;
  /** Where that database was configured: "from .env (DATABASE_URL)", "embedded", "entered in VS Code". */
  databaseSource?: string;
  /** The embedded dev database has not been created yet (nothing was opened, so nothing was created). */
  databaseMissing: boolean;
  report?: StatusReport;
  /** How the project's installed Prisma differs from the bundled engine, in one sentence; undefined when it does not. */
  versionSkew?: string;
  /** Functions, triggers, views… that raw SQL in migrations manages, compared with the dev database. */
  objects?: ObjectReport[];
  /** The language server's analysis of the schema against the history: what no migration contains yet. */
  schemaChanges?: SchemaChangesParams;
  /** What git says about the migration folders; undefined outside a repository. */
  git?: GitView;
  error?: string;
  /** Restricted Mode: nothing was read. */
  untrusted: boolean;
  loading: boolean;
  checkingDrift: boolean;
}

export type ProjectHealth = 'upToDate' | 'pending' | 'unmigrated' | 'checkingSchema' | 'failed' | 'drift' | 'attention' | 'error' | 'loading' | 'restricted';

/** One word for the status bar and the project's icon. */
export function healthOf(state: ProjectState): ProjectHealth {
  if (state.untrusted) return 'restricted';
  if (state.loading && !state.report) return 'loading';
  if (state.error || !state.report) return 'error';
  const statuses = state.report.migrations.map((m) => m.status);
  if (statuses.includes('failed')) return 'failed';
  if (state.report.drift) return 'drift';
  if (statuses.some((s) => s === 'edited' || s === 'missingLocally')) return 'attention';
  // Before "up to date" or "pending": applying every migration would still leave the schema unmigrated.
  if (state.schemaChanges?.unmigrated) return 'unmigrated';
  if (statuses.some((s) => s === 'pending' || s === 'rolledBack')) return 'pending';
  // "Up to date" is said only once the schema is known to be migrated too.
  return state.schemaChanges ? 'upToDate' : 'checkingSchema';
}

/** The health in words, for tooltips. */
export function healthWords(state: ProjectState): string {
  switch (healthOf(state)) {
    case 'restricted':
      return 'Restricted Mode: nothing is read until the workspace is trusted';
    case 'loading':
      return 'reading the migration status';
    case 'error':
      return `no status: ${state.error ?? 'the migrations could not be read'}`;
    case 'failed':
      return 'a migration failed on the dev database';
    case 'drift':
      return 'the dev database differs from the migration history';
    case 'attention':
      return 'a migration was edited after it was applied, or is applied but missing locally';
    case 'unmigrated':
      return unmigratedWords(state);
    case 'pending': {
      const count = pendingCount(state);
      return `${count} migration${count === 1 ? '' : 's'} not applied to the dev database yet`;
    }
    case 'checkingSchema':
      return 'every migration is applied; comparing the schema with them';
    case 'upToDate':
      return state.schemaChanges?.state === 'analysed'
        ? 'every migration is applied and the schema matches them'
        : `every migration is applied; whether the schema matches them is unknown (${state.schemaChanges?.reason ?? 'not analysed'})`;
  }
}

/** The changes that count as breaking: those the analysis rates warning or error. */
export function breakingCount(state: ProjectState): number {
  return state.schemaChanges?.changes.filter((c) => c.severity !== 'info').length ?? 0;
}

function unmigratedWords(state: ProjectState): string {
  const breaking = breakingCount(state);
  return `the schema has changes no migration contains${breaking > 0 ? `, ${breaking} of them breaking` : ''}: create a migration`;
}

export function pendingCount(state: ProjectState): number {
  return state.report?.migrations.filter((m) => m.status === 'pending' || m.status === 'rolledBack').length ?? 0;
}
