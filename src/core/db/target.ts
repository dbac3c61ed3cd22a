import type { ManagedAdapterFactory } from './managedFactory';

/** A database the WASM schema engine can work on (SQLite and PostgreSQL flavours), with its connections. */
export interface EngineDatabase {
  readonly provider: 'sqlite' | 'postgresql';
  /** What the user may see: a file path, `postgresql://host:port/db`, or the embedded folder; never a password. */
  readonly label: string;
  /** The name a user types to confirm a destructive reset (file name or database name). */
  readonly databaseName: string;
  readonly factory: ManagedAdapterFactory;
  /**
   * Removes the database's content when the engine's own `reset` would not do it right (SQLite: the
   * engine only deletes rows). Absent when the engine's `reset` is correct for this database.
   */
  recreate?(): Promise<void>;
  dispose(): Promise<void>;
}
