import type { GitView } from '../../core/git/migrationGit';
import type { ObjectReport } from '../../core/objects/databaseObjects';
import type { PrismaProject, StatusReport } from '../../core/types';

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
  /** What git says about the migration folders; undefined outside a repository. */
  git?: GitView;
  error?: string;
  /** Restricted Mode: nothing was read. */
  untrusted: boolean;
  loading: boolean;
  checkingDrift: boolean;
}

export type ProjectHealth = 'upToDate' | 'pending' | 'failed' | 'drift' | 'attention' | 'error' | 'loading' | 'restricted';

/** One word for the status bar and the project's icon. */
export function healthOf(state: ProjectState): ProjectHealth {
  if (state.untrusted) return 'restricted';
  if (state.loading && !state.report) return 'loading';
  if (state.error || !state.report) return 'error';
  const statuses = state.report.migrations.map((m) => m.status);
  if (statuses.includes('failed')) return 'failed';
  if (state.report.drift) return 'drift';
  if (statuses.some((s) => s === 'edited' || s === 'missingLocally')) return 'attention';
  if (statuses.some((s) => s === 'pending' || s === 'rolledBack')) return 'pending';
  return 'upToDate';
}

export function pendingCount(state: ProjectState): number {
  return state.report?.migrations.filter((m) => m.status === 'pending' || m.status === 'rolledBack').length ?? 0;
}
