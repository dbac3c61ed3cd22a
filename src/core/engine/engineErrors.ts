import { engineMessage, MigrateError, type ErrorKind } from '../errors';

/** Prisma error codes (user-facing-errors crate) → what the user can do about them. */
const KIND_BY_CODE: Record<string, ErrorKind> = {
  P1000: 'auth',
  P1001: 'unreachable',
  P1002: 'unreachable',
  P1003: 'missingDatabase',
  P1010: 'auth',
  P1012: 'schema',
  P1013: 'config',
  P3005: 'state',
  P3006: 'migrationFailed',
  P3008: 'state',
  P3009: 'state',
  P3011: 'state',
  P3012: 'state',
  P3015: 'migrationsFolder',
  P3017: 'state',
  P3018: 'migrationFailed',
  P3019: 'migrationsFolder',
};

interface ErrorRegistry {
  consumeError(id: number): { error: unknown } | undefined;
}

/**
 * Turns whatever the WASM engine (or its wrapper) threw into a MigrateError. Driver failures reach the
 * engine as "External error id#N": the original JS error waits in the adapter's registry.
 */
export function toMigrateError(error: unknown, registry: ErrorRegistry | undefined, migration?: string): MigrateError {
  if (error instanceof MigrateError) return error;
  if (isPanic(error)) {
    return new MigrateError('engine', `The schema engine crashed: ${panicMessage(error)}. It will be restarted on the next operation.`, {
      cause: error,
    });
  }
  if (isSqliteBusy(error)) return sqliteBusyError(error);
  const raw = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  let message = engineMessage(raw);
  if (typeof code === 'string' && message.startsWith(code)) message = message.slice(code.length).trim();
  const external = /External error id#(\d+)/.exec(message);
  const original = external && registry ? registry.consumeError(Number(external[1]))?.error : undefined;
  if (original instanceof MigrateError) return original;
  if (isSqliteBusy(original)) return sqliteBusyError(original);
  if (original !== undefined) {
    const mapped = driverErrorKind(original);
    const detail = original instanceof Error ? original.message : String(original);
    message = message.replace(/(?:external connector error\s*)?External error id#\d+/i, detail);
    if (mapped) return new MigrateError(mapped, message, { cause: error, migration });
  }
  const kind = (typeof code === 'string' && KIND_BY_CODE[code]) || 'engine';
  // Applying a migration, a connector error is the migration's own SQL failing (Prisma's P3018).
  if (kind === 'engine' && migration && (error as { name?: unknown }).name === 'SchemaConnectorError') {
    return new MigrateError('migrationFailed', `Migration ${migration} failed: ${message}`, { cause: error, migration });
  }
  return new MigrateError(kind, message, { cause: error, migration });
}

/**
 * libsql reports a file another connection holds (SQLITE_BUSY) as the adapter's `SocketTimeout`, with
 * SQLite's code; PostgreSQL's socket timeouts carry no code.
 */
function isSqliteBusy(error: unknown): boolean {
  const cause = (error as { cause?: { kind?: unknown; originalCode?: unknown } } | null)?.cause;
  return cause?.kind === 'SocketTimeout' && cause.originalCode !== undefined;
}

function sqliteBusyError(error: unknown): MigrateError {
  return new MigrateError(
    'state',
    'The SQLite database is locked by another process (another migration command, the editor or an application). Nothing was changed; try again when it has finished.',
    { cause: error },
  );
}

function driverErrorKind(error: unknown): ErrorKind | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') return 'unreachable';
  if (code === '28P01' || code === '28000') return 'auth';
  if (code === '3D000') return 'missingDatabase';
  return undefined;
}

/** A Rust panic inside WebAssembly surfaces as `RuntimeError: unreachable` (or the wrapper's RustPanic). */
export function isPanic(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'RuntimeError' || name === 'RustPanic';
}

function panicMessage(error: unknown): string {
  const registry = (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { get(): string } }).PRISMA_WASM_PANIC_REGISTRY;
  const captured = registry?.get();
  if (captured) return captured;
  return error instanceof Error ? error.message : String(error);
}
