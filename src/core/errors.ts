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

export class MigrateError extends Error {
  override readonly name = 'MigrateError';
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
