import type { MigrationStatus, StatusReport } from '../types';

const SYMBOL: Record<MigrationStatus['status'], string> = {
  applied: '✓',
  pending: '•',
  failed: '✗',
  rolledBack: '↺',
  edited: '!',
  missingLocally: '?',
};

const WORDS: Record<MigrationStatus['status'], string> = {
  applied: 'applied',
  pending: 'pending',
  failed: 'failed',
  rolledBack: 'rolled back (will be re-applied)',
  edited: 'edited after it was applied',
  missingLocally: 'applied, but missing from the migrations folder',
};

/**
 * The status as plain text: the CLI prints it, the extension shows it in a read-only document. `verbose`
 * shows a failed migration's log as the engine wrote it, its internal trace included.
 */
export function formatStatus(report: StatusReport, database: string, options: { verbose?: boolean; formatDate?: (date: Date) => string } = {}): string {
  const formatDate = options.formatDate ?? utc;
  const lines = [`Database: ${database}`];
  if (report.migrations.length === 0) lines.push('No migrations yet.');
  const width = Math.max(0, ...report.migrations.map((m) => m.name.length));
  for (const m of report.migrations) {
    const when = m.status === 'applied' && m.appliedAt ? ` ${formatDate(m.appliedAt)}` : '';
    lines.push(`  ${SYMBOL[m.status]} ${m.name.padEnd(width)}  ${WORDS[m.status]}${when}`);
    const logs = options.verbose ? m.rawLogs : m.logs;
    if (m.status === 'failed' && logs) lines.push(...logs.trim().split('\n').map((l) => `      ${l}`));
  }
  if (report.drift) lines.push('Drift: the database differs from the migration history:', ...indent(report.drift.summary));
  else if (report.drift === null) lines.push('Drift: none.');
  else if (report.driftUnavailable) lines.push(`Drift: not checked. ${report.driftUnavailable}`);
  return lines.join('\n');
}

/** The CLI's dates: UTC, the same on every machine and in every log. */
const utc = (date: Date) => `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`;

function indent(text: string): string[] {
  return text.split('\n').map((l) => `  ${l}`);
}
