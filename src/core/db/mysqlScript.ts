import type { PoolConnection } from 'mariadb';
import { prismaFailureLogs } from '../engine/applyScripts';

/**
 * Running a migration script the way Prisma's native engine does on MySQL
 * (`schema-engine/connectors/sql-schema-connector/src/flavour/mysql/connector/native/mod.rs`,
 * `apply_migration_script`): the whole file goes to the server as ONE multi-statement text query, never
 * split on the client. The server parses statement after statement (so `;` inside string literals and
 * BEGIN … END bodies of triggers and procedures are fine) and stops at the first error. Prisma counts the
 * results that came back before the error and reports "query number N".
 *
 * DELIMITER: it is a command of the `mysql` command-line client, not SQL. Prisma sends the script
 * as-is, so the server rejects the `DELIMITER` line with error 1064, after running the statements before
 * it. We behave identically (same statements run, same row in `_prisma_migrations`) and add a hint to the
 * error we throw.
 */

export interface ScriptFailure {
  error: unknown;
  /** 1-based, counted as Prisma counts it: results received before the failure, plus one. */
  queryNumber: number;
}

/** Resolves with null on success, or the failure; never rejects. */
export function runScript(connection: PoolConnection, script: string): Promise<ScriptFailure | null> {
  return new Promise((resolve) => {
    let completed = 0;
    let settled = false;
    const settle = (value: ScriptFailure | null) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    const stream = connection.queryStream(script);
    // Each statement answers with either a result set (announced by its columns) or an OK packet, which
    // the stream hands over as a class instance among the plain-object rows.
    stream.on('fields', () => {
      completed++;
    });
    stream.on('data', (item: unknown) => {
      if (isOkPacket(item)) completed++;
    });
    // The driver emits 'end' after 'error' too: the first event decides.
    stream.on('error', (error: unknown) => settle({ error, queryNumber: completed + 1 }));
    stream.on('end', () => settle(null));
  });
}

function isOkPacket(item: unknown): boolean {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && Object.getPrototypeOf(item) !== Object.prototype;
}

export interface ServerError {
  code: number;
  message: string;
}

/** A server-side SQL error (as opposed to a lost connection or a driver error). */
export function serverError(error: unknown): ServerError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { errno, sqlMessage } = error as { errno?: unknown; sqlMessage?: unknown };
  // The driver's own errors are numbered from 45000, Node's socket errors are negative.
  if (typeof errno === 'number' && errno > 0 && errno < 45000 && typeof sqlMessage === 'string') {
    return { code: errno, message: sqlMessage };
  }
  return undefined;
}

/** The `logs` value Prisma writes for a failed migration (see `prismaFailureLogs`), MySQL's error numbered by query. */
export function mysqlFailureLogs(migrationName: string, failure: ScriptFailure): string {
  const server = serverError(failure.error);
  const code = server ? String(server.code) : 'none';
  const databaseError = server
    ? `${server.message}\n\nPlease check the query number ${failure.queryNumber} from the migration file.`
    : failure.error instanceof Error
      ? failure.error.message
      : String(failure.error);
  return prismaFailureLogs(migrationName, code, databaseError);
}

/** The message of the error thrown to our caller: the database error, the statement, and what to do. */
export function failureMessage(migrationName: string, script: string, failure: ScriptFailure): string {
  const server = serverError(failure.error);
  const lines: string[] = [];
  if (server) {
    lines.push(
      `Migration \`${migrationName}\` failed at query number ${failure.queryNumber} of its migration.sql: ${server.message} (MySQL error ${server.code}).`,
    );
  } else {
    const text = failure.error instanceof Error ? failure.error.message : String(failure.error);
    lines.push(`Migration \`${migrationName}\` failed: ${text}`);
  }
  const statement = server ? statementForDisplay(script, failure.queryNumber) : undefined;
  if (statement !== undefined) lines.push('', 'Failing statement:', statement);
  if (server?.code === 1064 && hasDelimiterCommand(script)) {
    lines.push(
      '',
      'The script uses DELIMITER, a command of the mysql command-line client that servers do not understand. ' +
        'Prisma Migrate sends migration.sql to the server unchanged too, so it fails there the same way. ' +
        'Remove the DELIMITER lines and end each statement (including a whole CREATE TRIGGER/PROCEDURE … BEGIN … END) with `;`: ' +
        'the server parses BEGIN … END bodies itself.',
    );
  }
  lines.push(
    '',
    'The attempt is recorded as failed in _prisma_migrations, as Prisma Migrate records it. New migrations cannot be applied ' +
      'until it is resolved: undo what it changed, then mark it rolled back (or applied if you finished it by hand). ' +
      'See https://pris.ly/d/migrate-resolve',
  );
  return lines.join('\n');
}

const MAX_STATEMENT_LENGTH = 2000;

/**
 * The Nth statement of a script, for messages only (the script itself is never split to be run). Returns
 * undefined when the client-side split cannot be trusted to match the server's count: BEGIN … END bodies
 * contain `;`, and a CALL can return several results.
 */
export function statementForDisplay(script: string, queryNumber: number): string | undefined {
  const { statements, code } = splitStatements(script);
  if (/\b(BEGIN|CALL|DELIMITER)\b/i.test(code)) return undefined;
  const statement = statements[queryNumber - 1]?.trim();
  if (!statement) return undefined;
  return statement.length > MAX_STATEMENT_LENGTH ? `${statement.slice(0, MAX_STATEMENT_LENGTH)} …` : statement;
}

function hasDelimiterCommand(script: string): boolean {
  return /^\s*DELIMITER\s+\S/im.test(splitStatements(script).code);
}

/**
 * Splits on `;` outside quotes (`'…'`, `"…"` with backslash escapes and doubled quotes, `` `…` ``) and
 * comments (`-- `, `#`, `/* … *\/`). Empty pieces are kept: the server counts `;;` as an empty query.
 * `code` is the text outside quotes and comments, for keyword checks.
 */
export function splitStatements(script: string): { statements: string[]; code: string } {
  const statements: string[] = [];
  let code = '';
  let start = 0;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(script, i, c);
      code += ' ';
    } else if ((c === '-' && next === '-' && (i + 2 >= n || /[\s\x00-\x1f]/.test(script[i + 2]!))) || c === '#') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? n : end;
      code += ' ';
    } else if (c === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      code += ' ';
    } else if (c === ';') {
      statements.push(script.slice(start, i));
      start = i + 1;
      i++;
      code += '\n';
    } else {
      code += c;
      i++;
    }
  }
  const rest = script.slice(start);
  if (rest.trim() !== '') statements.push(rest);
  return { statements, code };
}

function skipQuoted(script: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < script.length) {
    const c = script[i];
    if (c === '\\' && quote !== '`') {
      i += 2;
    } else if (c === quote) {
      if (script[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return script.length;
}
