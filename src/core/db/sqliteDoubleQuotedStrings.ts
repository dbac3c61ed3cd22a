import { DriverAdapterError, isDriverAdapterError, type SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { type SqlStatement, splitStatements } from '../lint/sqlStatements';

/**
 * Runs a script as SQLite's default build would, statement by statement (as `sqlite3_exec` does).
 *
 * SQLite's default build (the sqlite3 CLI, Prisma's native engine) reads a double-quoted token that
 * resolves to no column as a string literal, and real histories rely on it
 * (`UPDATE config SET category = "internal"`). libsql is compiled with `SQLITE_DQS=0` and offers no
 * `sqlite3_db_config(SQLITE_DBCONFIG_DQS_DML)`; node:sqlite could turn the fallback on, but would then run
 * triggers and views libsql refuses, so both keep it off and a statement failing with `no such column: X` is run
 * again with the occurrences of `"X"` that SQLite's fallback would have turned into strings written as
 * `'X'`. Which ones those are, SQLite itself says (see `unresolved`); an occurrence that names a column,
 * table or anything else stays as written, and a statement no such rewrite fixes fails with its own error.
 */
export async function executeSqliteScript(connection: SqlDriverAdapter, script: string): Promise<void> {
  const statements = splitStatements(script).statements;
  for (let i = 0; i < statements.length; i += 1) {
    const end = transactionEnd(statements, i);
    if (end === undefined) {
      await executeStatement(connection, statements[i]);
      continue;
    }
    // Both drivers roll back a transaction a call leaves open: BEGIN … COMMIT must reach them in one call.
    await connection.executeScript(statements.slice(i, end + 1).map((s) => `${s.text};`).join('\n'));
    i = end;
  }
}

/** Where the transaction a `BEGIN` at `start` opens is closed (COMMIT, END, ROLLBACK), or undefined when it is no BEGIN. */
function transactionEnd(statements: readonly SqlStatement[], start: number): number | undefined {
  if (!/^BEGIN(?: (?:DEFERRED|IMMEDIATE|EXCLUSIVE))?(?: TRANSACTION)?$/.test(statements[start].normalized)) return undefined;
  const end = statements.findIndex((s, i) => i > start && /^(?:COMMIT|END|ROLLBACK)(?: TRANSACTION)?$/.test(s.normalized));
  return end < 0 ? statements.length - 1 : end;
}

async function executeStatement(connection: SqlDriverAdapter, statement: SqlStatement): Promise<void> {
  const asStrings = new Set<number>();
  for (;;) {
    const failure = await failureOf(connection.executeScript(withStrings(statement, asStrings)));
    if (failure === undefined) return;
    const column = missingColumn(failure);
    const candidates = statement.quoted.flatMap((token, index) => (token.value === column && !asStrings.has(index) ? [index] : []));
    if (column !== undefined && candidates.length === 0) throw await withStoredCause(connection, failure, column);
    const unresolvedOnes = await unresolved(connection, statement, asStrings, candidates, column);
    if (unresolvedOnes.length === 0) throw failure;
    for (const index of unresolvedOnes) asStrings.add(index);
  }
}

/**
 * The candidates (occurrences of `"X"`) that fail to resolve where they stand. Each is asked alone:
 * with every other candidate written as `'X'` — which SQLite reads as a string in an expression and as
 * a name where a name is expected, so the others can neither fail nor change what the asked one resolves
 * to — the statement is prepared (`EXPLAIN`, nothing runs) and still lacks column X only if this one does.
 */
async function unresolved(
  connection: SqlDriverAdapter,
  statement: SqlStatement,
  asStrings: ReadonlySet<number>,
  candidates: readonly number[],
  column: string | undefined,
): Promise<number[]> {
  const failing: number[] = [];
  for (const candidate of candidates) {
    const others = new Set([...asStrings, ...candidates.filter((other) => other !== candidate)]);
    const probe = await failureOf(connection.executeScript(`EXPLAIN ${withStrings(statement, others)}`));
    if (probe !== undefined && missingColumn(probe) === column) failing.push(candidate);
  }
  return failing;
}

/**
 * A trigger or view keeps its SQL as written and SQLite resolves it only when it runs, so a
 * double-quoted string there fails in a later statement that does not contain it: the error names it.
 */
async function withStoredCause(connection: SqlDriverAdapter, failure: unknown, column: string): Promise<unknown> {
  const quoted = `"${column.replaceAll('"', '""')}"`;
  const stored = await connection.queryRaw({
    sql: "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') AND instr(sql, ?) > 0 ORDER BY name",
    args: [quoted],
    argTypes: [{ scalarType: 'string', arity: 'scalar' }],
  });
  const [found] = stored.rows;
  if (!found || !isDriverAdapterError(failure) || failure.cause.kind !== 'sqlite') return failure;
  const literal = `'${column.replaceAll("'", "''")}'`;
  return new DriverAdapterError({
    ...failure.cause,
    message: `${failure.cause.message} (the ${String(found[0])} ${String(found[1])} writes ${quoted}: SQLite's default build reads a double-quoted name that no column has as a string, libsql and node:sqlite only as a name; write ${literal})`,
  });
}

/** The statement with the given double-quoted tokens written as string literals. */
function withStrings(statement: SqlStatement, asStrings: ReadonlySet<number>): string {
  let text = '';
  let from = 0;
  statement.quoted.forEach((token, index) => {
    if (!asStrings.has(index)) return;
    text += `${statement.text.slice(from, token.offset)}'${token.value.replaceAll("'", "''")}'`;
    from = token.offset + token.length;
  });
  return text + statement.text.slice(from);
}

/**
 * The column SQLite could not resolve, for its `no such column: X` error. Newer SQLite (node:sqlite's 3.5x,
 * not libsql's 3.45) quotes a double-quoted one and asks `"X" - should this be a string literal in single-quotes?`.
 */
function missingColumn(error: unknown): string | undefined {
  if (!isDriverAdapterError(error) || error.cause.kind !== 'sqlite') return undefined;
  const match = /^(?:SQLITE_ERROR: )?no such column: (?:"(.*)" - should this be a string literal in single-quotes\?|(.*))$/s.exec(error.cause.message ?? '');
  return match?.[1] ?? match?.[2];
}

async function failureOf(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
    return undefined;
  } catch (error) {
    return error;
  }
}
