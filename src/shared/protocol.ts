// The extension's own messages to and from the language server, beside the LSP.
import type { Finding } from '../core/check/findings';
import type { DataLoss } from '../core/schemaChanges/dataLoss';
import type { UniqueCheck } from '../core/schemaChanges/duplicates';
import type { PrismaProject, SchemaFile } from '../core/types';

/**
 * Client → server, after every refresh of the projects: what the extension discovered (its settings,
 * prisma.config.ts, trust), without any URL. An empty list in Restricted Mode: the server then analyses
 * no schema.
 */
export const PROJECTS_NOTIFICATION = 'prismaMigrations/projects';
export interface ProjectsParams {
  projects: ServerProject[];
}
export type ServerProject = Omit<PrismaProject, 'url' | 'shadowDatabaseUrl'>;

/** Server → client: what the next migration would cost the project's dev database, for this schema text. */
export const DATA_LOSS_REQUEST = 'prismaMigrations/dataLoss';
export interface DataLossParams {
  schemaPath: string;
  files: SchemaFile[];
  /** The unique constraints the text adds: the dev database's duplicates make them unexecutable. */
  uniqueChecks: UniqueCheck[];
}
/** Null when the project has no dev database to ask (none created yet, unreachable, no engine). */
export type DataLossResult = (DataLoss & { database: string }) | null;

/** The server's code actions run these extension commands. */
export const CREATE_MIGRATION_COMMAND = 'prismaMigrations.createMigration';
export const SHOW_SQL_COMMAND = 'prismaMigrations.showSql';
export interface ShowSqlArgs {
  title: string;
  sql: string;
}

/** Removes what the server must never hold: the database URLs (passwords). */
export function toServerProject(project: PrismaProject): ServerProject {
  const { url: _url, shadowDatabaseUrl: _shadow, ...rest } = project;
  return rest;
}

/**
 * Server → client, after every analysis of a project's schema, open in an editor or not: whether it has
 * changes no migration contains, and each change with its finding's severity, so that the view and the
 * status bar can say so without the schema being opened.
 */
export const SCHEMA_CHANGES_NOTIFICATION = 'prismaMigrations/schemaChanges';
export interface SchemaChangesParams {
  schemaPath: string;
  /** `analysed`: `unmigrated` and `changes` are the truth; otherwise `reason` says why nothing is known. */
  state: 'analysed' | 'invalid' | 'unavailable';
  /** The next migration's SQL is not empty. */
  unmigrated: boolean;
  /** Each change as its finding, where the schema says it. */
  changes: Finding[];
  reason?: string;
}
