import type { StatusReport } from '../core/types';

/** Where the CLI writes; injected so tests run commands in-process and read what they printed. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

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
