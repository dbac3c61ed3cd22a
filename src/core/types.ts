/** Providers a Prisma schema can name. Only some of them have a migration backend here (see `db/connect.ts`). */
export type Provider = 'sqlite' | 'postgresql' | 'mysql' | 'sqlserver' | 'cockroachdb' | 'mongodb';

export interface SchemaFile {
  /** Absolute path. */
  path: string;
  content: string;
}

/**
 * Where a URL came from, so the UI can say "from prisma.config.ts" or "from .env". `secret` is the URL
 * the user entered in the editor (kept in VS Code's secret storage, never in settings).
 */
export type UrlSource = 'flag' | 'config' | 'schema-env' | 'schema-literal' | 'secret' | 'embedded';

export interface ResolvedUrl {
  url: string;
  source: UrlSource;
  /** For env() values: the variable name, e.g. DATABASE_URL. */
  envVar?: string;
}

/** A 1-based position in one of the user's schema files. */
export interface SchemaPosition {
  file: string;
  line: number;
  column: number;
}

/** A generator's preview feature the bundled engine does not know, left out of the text it reads. */
export interface IgnoredPreviewFeature extends SchemaPosition {
  feature: string;
  /** Just after the feature's closing quote. */
  end: { line: number; column: number };
}

export interface PrismaProject {
  /** The folder the project is rooted at: where prisma.config.ts or package.json lives, else the schema's parent. */
  root: string;
  /** The schema file, or the folder of a multi-file schema. */
  schemaPath: string;
  /** The schema files exactly as on disk. */
  schemaFiles: SchemaFile[];
  /**
   * The same files as handed to the 7.x engine: Prisma 6 datasource properties (`url`, `directUrl`,
   * `shadowDatabaseUrl`) and the preview features it does not know blanked out without moving any line or
   * column.
   */
  engineSchemaFiles: SchemaFile[];
  /** The generators' preview features blanked in `engineSchemaFiles`; absent when none. */
  ignoredPreviewFeatures?: IgnoredPreviewFeature[];
  migrationsDir: string;
  provider: Provider;
  /** The datasource block's position, for diagnostics that have no better place. */
  datasourcePosition?: SchemaPosition;
  /** URLs as configured (prisma.config.ts wins over the schema). Absent when nothing is configured. */
  url?: ResolvedUrl;
  shadowDatabaseUrl?: ResolvedUrl;
  configFile?: string;
  /** Tables and enums prisma.config.ts declares managed outside Prisma Migrate; absent without any. */
  externalTables?: string[];
  /** Things the user should know that do not stop work (e.g. an env var referenced but not set). */
  warnings: string[];
  /**
   * Warnings about where `url` would come from (a variable it is built from is not set): worth saying only
   * where that URL would be used, not when --url or the editor's choice of database replaces it. See `warningsFor`.
   */
  urlWarnings?: string[];
}

export interface LocalMigration {
  /** Folder name, e.g. `20240101000000_init`. */
  name: string;
  /** Absolute folder path. */
  dir: string;
  /** `migration.sql` content, or null when the folder has none. */
  script: string | null;
}

/** One row of `_prisma_migrations`, as Prisma writes it. */
export interface MigrationRow {
  id: string;
  checksum: string;
  migrationName: string;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  logs: string | null;
  appliedStepsCount: number;
}

export type MigrationStatusKind = 'applied' | 'pending' | 'failed' | 'rolledBack' | 'edited' | 'missingLocally';

export interface MigrationStatus {
  name: string;
  status: MigrationStatusKind;
  /** Absolute folder path; absent for `missingLocally`. */
  dir?: string;
  appliedAt: Date | null;
  startedAt: Date | null;
  /** Milliseconds between start and finish of the last attempt. */
  durationMs: number | null;
  /** The database's error for a failed attempt, from `_prisma_migrations.logs` without the engine's internal trace. */
  logs: string | null;
  /** `_prisma_migrations.logs` as the engine wrote it, span trace included (for `--verbose`). */
  rawLogs: string | null;
  checksum: { local: string | null; database: string | null; matches: boolean | null };
}

export interface Drift {
  /** The engine's human-readable summary of what differs. */
  summary: string;
  /** SQL that would bring the migration history to the database's state. */
  script?: string;
}

export interface StatusReport {
  hasMigrationsTable: boolean;
  migrations: MigrationStatus[];
  /** null when there is none, undefined when it could not be computed (e.g. MySQL without the engine). */
  drift: Drift | null | undefined;
  /** Why drift was not computed, when it was not. */
  driftUnavailable?: string;
  lockfileProvider: string | null;
}
