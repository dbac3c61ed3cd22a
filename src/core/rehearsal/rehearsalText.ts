import { formatBytes } from '../text/byteSize';
import { oneLine } from '../text/plainText';
import type { RehearsalReport, RehearsedMigration, StatementLock, TableRows } from './rehearse';

export const REHEARSAL_FORMATS = ['text', 'json', 'markdown'] as const;
export type RehearsalFormat = (typeof REHEARSAL_FORMATS)[number];

export function formatRehearsal(report: RehearsalReport, format: RehearsalFormat): string {
  if (format === 'json') return JSON.stringify(report, (_, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 10) / 10 : value), 2);
  return format === 'markdown' ? markdown(report) : text(report);
}

export const formatMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`);

const count = (rows: number | null): string => (rows === null ? 'new' : rows.toLocaleString('en-US'));

/** What the run came to, in one sentence. */
export function rehearsalSummary(report: RehearsalReport): string {
  const copied = `${report.copy.method}, ${formatBytes(report.copy.bytes)} in ${formatMs(report.copy.ms)}`;
  const where = `on a copy of ${report.database} (${copied}); the copy is dropped and ${report.database} was not written`;
  if (report.outcome === 'nothing pending') return `Nothing to rehearse: ${report.database} has every migration applied. (Copied: ${copied}.)`;
  const applied = report.migrations.filter((m) => m.status === 'applied').length;
  const total = report.migrations.reduce((sum, m) => sum + m.ms, 0);
  if (report.outcome === 'applied') return `Rehearsed ${plural(applied, 'pending migration')} in ${formatMs(total)} ${where}.`;
  const failed = report.migrations.find((m) => m.status === 'failed');
  return `Rehearsal failed: ${failed?.name ?? 'a migration'} fails ${where}. Applying would fail the same way${applied > 0 ? `, after ${plural(applied, 'migration')}` : ''}.`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const lockText = (lock: StatementLock) =>
  `${lock.mode} on ${lock.table} (${lock.rows === null ? 'new table' : `${count(lock.rows)} rows`}${lock.seen === 'already held' ? ', already held' : ''})${lock.seen === 'statement' && lock.mode !== 'SQLite write lock' ? '*' : ''}`;

const PREDICTED_NOTE = '* the lock this kind of statement takes: it was released before it could be read (the script manages its own transactions)';
const SQLITE_NOTE = 'SQLite locks the whole database file for each write, until the statement ends.';

/** What the reader needs to read the locks: footnotes for the ones that were not watched. */
function lockNotes(report: RehearsalReport): string[] {
  const locks = report.migrations.flatMap((m) => m.statements.flatMap((s) => s.locks));
  return [
    ...(locks.some((l) => l.mode === 'SQLite write lock') ? [SQLITE_NOTE] : []),
    ...(locks.some((l) => l.seen === 'statement' && l.mode !== 'SQLite write lock') ? [PREDICTED_NOTE] : []),
  ];
}

const rowChanges = (rows: readonly TableRows[]) => rows.filter((r) => r.before !== r.after);

function text(report: RehearsalReport): string {
  const lines = [rehearsalSummary(report)];
  for (const migration of report.migrations) {
    lines.push('', `${migration.name}  ${migration.status.toUpperCase()}${migration.status === 'not run' ? '' : `  ${formatMs(migration.ms)}`}`);
    for (const statement of migration.statements) {
      lines.push(`  line ${String(statement.line).padEnd(4)} ${formatMs(statement.ms).padStart(8)}  ${oneLine(statement.sql, 72)}${statement.failed ? '  ← failed' : ''}`);
      for (const lock of statement.locks) lines.push(`${' '.repeat(22)}${lockText(lock)}`);
    }
    if (migration.error) lines.push(`  error ${migration.error.code}${migration.error.line ? ` at line ${migration.error.line}` : ''}: ${migration.error.message.replace(/\n/g, '\n    ')}`);
    if (migration.held.length > 0) lines.push(`  locks held until commit: ${migration.held.map((h) => `${h.mode} on ${h.table} for ${formatMs(h.ms)}`).join('; ')}`);
    const changed = rowChanges(migration.rows);
    if (migration.status === 'applied') lines.push(`  rows: ${changed.length === 0 ? 'unchanged' : changed.map((r) => `${r.table} ${count(r.before)} → ${r.after === null ? 'dropped' : count(r.after)}`).join(', ')}`);
  }
  const notes = lockNotes(report);
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}

const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(report: RehearsalReport): string {
  const lines = ['# Migration rehearsal', '', rehearsalSummary(report)];
  if (report.migrations.length > 0) {
    lines.push('', '| Migration | Status | Time |', '| --- | --- | ---: |');
    for (const m of report.migrations) lines.push(`| ${cell(m.name)} | ${m.status} | ${m.status === 'not run' ? '' : formatMs(m.ms)} |`);
  }
  for (const migration of report.migrations.filter((m) => m.status !== 'not run')) lines.push('', ...markdownMigration(migration));
  const notes = lockNotes(report);
  if (notes.length > 0) lines.push('', ...notes.map((note) => note.replace(/^\*/, '\\*')));
  return lines.join('\n');
}

function markdownMigration(migration: RehearsedMigration): string[] {
  const lines = [`## ${migration.name}`, '', '| Line | Statement | Time | Locks |', '| ---: | --- | ---: | --- |'];
  for (const s of migration.statements) {
    lines.push(`| ${s.line} | \`${cell(oneLine(s.sql, 60)).replace(/`/g, "'")}\`${s.failed ? ' **failed**' : ''} | ${formatMs(s.ms)} | ${cell(s.locks.map(lockText).join('; '))} |`);
  }
  if (migration.error) lines.push('', `**Error ${migration.error.code}**${migration.error.line ? ` at line ${migration.error.line}` : ''}:`, '', '```', migration.error.message, '```');
  if (migration.held.length > 0) lines.push('', `Locks held until commit: ${migration.held.map((h) => `${h.mode} on ${h.table} for ${formatMs(h.ms)}`).join('; ')}.`);
  if (migration.rows.length > 0) {
    lines.push('', '| Table | Rows before | Rows after |', '| --- | ---: | ---: |');
    for (const r of migration.rows) lines.push(`| ${cell(r.table)} | ${count(r.before)} | ${r.after === null ? 'dropped' : count(r.after)} |`);
  }
  return lines;
}
