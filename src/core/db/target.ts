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
   * Where the engine's shadow databases live: `embedded` (a SQLite file or a PGlite of this process),
   * `server` (temporary databases on the same server), `configured` (the user's shadow database URL, a
   * server whose version nothing here reads: its results are never cached).
   */
  readonly shadow: 'embedded' | 'server' | 'configured';
  /**
   * The database's whole content, schema and rows, by a name known without connecting: a read-only PGlite
   * folder's (pgliteFolderState.ts). It stands for the catalog fingerprint and keys the migration rows, so
   * that a read computed before never starts the database.
   */
  readonly contentState?: string;
  /**
   * Removes the database's content when the engine's own `reset` would not do it right (SQLite: the
   * engine only deletes rows). Absent when the engine's `reset` is correct for this database.
   */
  recreate?(): Promise<void>;
  /**
   * A database of nobody's on the same server, for replaying a history there instead of in an embedded
   * PGlite (a server replays a long history several times faster): a temporary database dropped when
   * disposed, or an in-memory PGlite where the user may not create databases. Absent where the server
   * has no room for one (SQLite, PGlite, a configured shadow database).
   */
  scratch?(): EngineDatabase;
  dispose(): Promise<void>;
}
