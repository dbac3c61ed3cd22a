import type { PrismaProject, StatusReport } from '../../core/types';

/** What the view and the status bar show for one project: its status, or why there is none. */
export interface ProjectState {
  project: PrismaProject;
  /** Where migrations run, for people (never a password). */
  databaseLabel: string;
  report?: StatusReport;
  error?: string;
  loading: boolean;
}

export type ProjectHealth = 'upToDate' | 'pending' | 'failed' | 'attention' | 'error' | 'loading';

/** One word for the status bar and the project's icon. */
export function healthOf(state: ProjectState): ProjectHealth {
  if (state.loading && !state.report) return 'loading';
  if (state.error || !state.report) return 'error';
  const statuses = state.report.migrations.map((m) => m.status);
  if (statuses.includes('failed')) return 'failed';
  if (statuses.some((s) => s === 'edited' || s === 'missingLocally') || state.report.drift) return 'attention';
  if (statuses.some((s) => s === 'pending' || s === 'rolledBack')) return 'pending';
  return 'upToDate';
}

export function pendingCount(state: ProjectState): number {
  return state.report?.migrations.filter((m) => m.status === 'pending' || m.status === 'rolledBack').length ?? 0;
}
