import type { MigrationStatus, StatusReport } from '../core/types';

/** Where the CLI writes; injected so tests run commands in-process and read what they printed. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

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

export function formatStatus(report: StatusReport, database: string): string {
  const lines = [`Database: ${database}`];
  if (report.migrations.length === 0) lines.push('No migrations yet.');
  const width = Math.max(0, ...report.migrations.map((m) => m.name.length));
  for (const m of report.migrations) {
    const when = m.status === 'applied' && m.appliedAt ? ` ${m.appliedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC` : '';
    lines.push(`  ${SYMBOL[m.status]} ${m.name.padEnd(width)}  ${WORDS[m.status]}${when}`);
    if (m.status === 'failed' && m.logs) lines.push(...m.logs.trim().split('\n').map((l) => `      ${l}`));
  }
  if (report.drift) lines.push('Drift: the database differs from the migration history:', ...indent(report.drift.summary));
  else if (report.drift === null) lines.push('Drift: none.');
  else if (report.driftUnavailable) lines.push(`Drift: not checked. ${report.driftUnavailable}`);
  return lines.join('\n');
}

export function statusJson(report: StatusReport, database: string): unknown {
  return {
    database,
    hasMigrationsTable: report.hasMigrationsTable,
    migrations: report.migrations.map((m) => ({
      name: m.name,
      status: m.status,
      appliedAt: m.appliedAt?.toISOString() ?? null,
      startedAt: m.startedAt?.toISOString() ?? null,
      durationMs: m.durationMs,
      checksum: m.checksum,
      logs: m.logs,
    })),
    drift: report.drift === undefined ? null : report.drift && { summary: report.drift.summary, script: report.drift.script },
    driftChecked: report.drift !== undefined,
    driftUnavailable: report.driftUnavailable ?? null,
    lockfileProvider: report.lockfileProvider,
  };
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => `  ${l}`);
}
