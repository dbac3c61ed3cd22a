import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { type DatabaseFailure, databaseFailure } from '../engine/applyScripts';
import type { MigrationEngine } from '../engine/migrationEngine';
import { errorMessage } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import type { MigrationTestStep } from './migrationTestFile';
import { isTrue, renderRow } from './resultRows';
import { oneLine } from '../text/plainText';

/** Why a test failed, at the line of the test file that says it. */
export interface MigrationTestFailure {
  message: string;
  line: number;
  expected?: string;
  actual?: string;
}

/**
 * Runs a test's steps in order on `engine`'s scratch database; the first step that fails ends the test.
 * `targets` holds the history each `-- migrate` applies. Statements run on the connection migrations run
 * on, so they see the database exactly as the migration leaves it.
 */
export async function runTestSteps(
  engine: MigrationEngine,
  steps: readonly MigrationTestStep[],
  targets: ReadonlyMap<MigrationTestStep, MigrationsFolder>,
  trace?: StepTrace,
): Promise<MigrationTestFailure | undefined> {
  const connection = await engine.database.factory.mainConnection();
  for (const step of steps) {
    const started = performance.now();
    const traced = (outcome: string) => trace?.(`line ${step.line}: ${stepHead(step, targets)} (${Math.round(performance.now() - started)} ms): ${outcome}`);
    try {
      const rows: string[] = [];
      const failure = step.kind === 'migrate' ? await migrate(engine, step, targets.get(step)!) : await check(connection, step, rows);
      traced(failure ? `failed: ${failure.message}` : step.kind === 'migrate' ? 'applied' : step.kind === 'error' ? 'failed as expected' : rows.length > 0 ? shownRows(rows) : 'ok');
      if (failure) return failure;
    } catch (error) {
      traced(`could not run: ${errorMessage(error)}`);
      // Not the database's verdict on the statement (a lost connection): the test cannot go on.
      return { message: errorMessage(error), line: step.kind === 'migrate' ? step.line : step.statement.line };
    }
  }
  return undefined;
}

/** Receives a line per step as it ends: what ran, how long it took, what came back. */
export type StepTrace = (line: string) => void;

/** The step in a few words: the history a `-- migrate` reaches, or the statement's first line. */
function stepHead(step: MigrationTestStep, targets: ReadonlyMap<MigrationTestStep, MigrationsFolder>): string {
  if (step.kind === 'migrate') return `-- migrate to ${targets.get(step)?.migrations.at(-1)?.name ?? step.to ?? 'this migration'}`;
  const head = oneLine(step.statement.sql, 60);
  return step.kind === 'statement' ? head : `-- ${step.kind}: ${head}`;
}

/** At most three rows of what a query returned, for the trace. */
function shownRows(rows: readonly string[]): string {
  const first = rows.slice(0, 3).join(' | ');
  return `${rows.length} row${rows.length === 1 ? '' : 's'}: ${first}${rows.length > 3 ? ' | …' : ''}`;
}

async function migrate(engine: MigrationEngine, step: MigrationTestStep, target: MigrationsFolder): Promise<MigrationTestFailure | undefined> {
  try {
    await engine.applyPending(target);
    return undefined;
  } catch (error) {
    return { message: errorMessage(error), line: step.line };
  }
}

/** One statement step; `returned` receives the rows a query gave back, rendered. */
async function check(connection: SqlDriverAdapter, step: Exclude<MigrationTestStep, { kind: 'migrate' }>, returned: string[]): Promise<MigrationTestFailure | undefined> {
  const { sql, line } = step.statement;
  switch (step.kind) {
    case 'statement': {
      const outcome = await attempt(() => connection.executeScript(sql));
      return outcome.ok ? undefined : { message: outcome.failure.message, line };
    }
    case 'error': {
      const outcome = await attempt(() => connection.executeScript(sql));
      const expected = step.text === undefined ? 'an error' : `an error containing "${step.text}"`;
      if (outcome.ok) return { message: `Expected ${expected}, but the statement succeeded.`, line: step.line };
      if (step.text === undefined || outcome.failure.message.toLowerCase().includes(step.text.toLowerCase())) return undefined;
      return { message: `The statement failed, but not with ${expected}.`, line: step.line, expected: step.text, actual: outcome.failure.message };
    }
    case 'assert': {
      const outcome = await attempt(() => rowsOf(connection, sql));
      if (!outcome.ok) return { message: outcome.failure.message, line };
      const rows = outcome.value;
      returned.push(...rows.map(renderRow));
      if (rows.length > 0 && rows.every((row) => isTrue(row[0]))) return undefined;
      const what = step.message === undefined ? 'Assertion failed' : `Assertion failed: ${step.message}`;
      const why = rows.length === 0 ? 'the query returned no rows' : 'a first column is not true';
      return { message: `${what} (${why}).`, line: step.line, actual: shown(rows.map(renderRow)) };
    }
    case 'output': {
      const outcome = await attempt(() => rowsOf(connection, sql));
      if (!outcome.ok) return { message: outcome.failure.message, line };
      const actual = outcome.value.map((row) => renderRow(row).trim());
      returned.push(...actual);
      if (actual.length === step.rows.length && actual.every((row, i) => row === step.rows[i])) return undefined;
      return { message: 'The rows differ from -- output.', line: step.line, expected: shown(step.rows), actual: shown(actual) };
    }
  }
}

const shown = (rows: readonly string[]) => (rows.length === 0 ? '(no rows)' : rows.join('\n'));

/** The rows as arrays, in column order: two columns may share a name (`SELECT a.id, b.id`). */
async function rowsOf(connection: SqlDriverAdapter, sql: string): Promise<unknown[][]> {
  return (await connection.queryRaw({ sql, args: [], argTypes: [] })).rows;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: DatabaseFailure };

/** What the database made of a statement; errors that are not its verdict are thrown on. */
async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const failure = databaseFailure(error);
    if (failure === undefined) throw error;
    return { ok: false, failure };
  }
}
