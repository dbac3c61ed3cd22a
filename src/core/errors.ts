import { redactSecrets } from './redact';

/** What went wrong, in a form the CLI maps to exit codes and the extension to one sentence plus "Show log". */
export type ErrorKind =
  | 'schema' // malformed or missing schema
  | 'config' // prisma.config.ts or package.json could not be used
  | 'migrationsFolder' // a broken migrations folder
  | 'unreachable' // no server answers
  | 'auth' // wrong user or password
  | 'missingDatabase' // server answers, database does not exist
  | 'unsupported' // provider or operation this build cannot do
  | 'migrationFailed' // a migration's SQL failed
  | 'state' // the database is not in a state that allows the operation
  | 'refused' // the operation would lose data or cannot run as it is; nothing was done
  | 'engine' // the schema engine failed or panicked
  | 'cancelled';

/** Marks every MigrateError, whichever bundle's copy of this module made it. */
const BRAND = Symbol.for('prisma-migrations.MigrateError');

export class MigrateError extends Error {
  override readonly name = 'MigrateError';
  readonly [BRAND] = true;

  /**
   * The extension's bundle and the core's lazily loaded one (esbuild.mjs) each hold a copy of this class:
   * `instanceof` recognises an error made by either.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && BRAND in value;
  }

  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details?: { cause?: unknown; file?: string; line?: number; migration?: string; databaseName?: string },
  ) {
    super(redactSecrets(message));
  }
}

export function isMigrateError(error: unknown): error is MigrateError {
  return error instanceof MigrateError;
}

/** One sentence for any thrown value, with secrets removed. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return redactSecrets(error.message);
  return redactSecrets(String(error));
}

/**
 * Everything known about a thrown value, for `--verbose` and the log: its stack, then what caused it (for
 * an engine failure, the engine's full text with its internal trace, which messages leave out).
 */
export function errorDetail(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current !== undefined && parts.length < 5) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof MigrateError ? current.details?.cause : current instanceof Error ? current.cause : undefined;
  }
  return redactSecrets(parts.join('\nCaused by: '));
}

const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * The part of an engine message a user reads: the database's own error, without colours, without the
 * engine's span trace (`   0: sql_schema_connector::apply_migration::…` / `at schema-engine/…` lines,
 * useful in a log, noise in a message) and without the `external connector error` line that prefixes
 * driver errors. `_prisma_migrations.logs` holds the same text for a failed migration.
 */
export function engineMessage(raw: string): string {
  return raw
    .replace(ANSI, '')
    .split(/\n\s+0: [a-z_][a-z0-9_]*::/)[0]!
    // Driver errors come prefixed with "external connector error" and a newline, also inside a P3006
    // message after its "Error:": the rest is the message.
    .replace(/\s*(?:Error:\s*)?external connector error\s*\n/g, ' ')
    .trim();
}

/**
 * A failed migration's `logs` as a user reads them. Prisma writes its P3018 text there (so do we, see
 * applyScripts.ts): the part that says something is the database's error after "Database error:", before
 * the native engine's `DbError { … }` dump and span trace.
 */
export function failureLogsMessage(logs: string): string {
  const message = engineMessage(logs);
  const databaseError = /\nDatabase error:\n([\s\S]*)$/.exec(message)?.[1];
  return databaseError === undefined ? message : databaseError.split(/\n\s*DbError \{/)[0]!.trim();
}
