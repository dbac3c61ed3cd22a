import { existsSync } from 'node:fs';
import path from 'node:path';
import { requiredExtensions } from './db/extensions';
import { openMysqlBackend } from './db/mysql';
import { openPglite, pgliteDataDir } from './db/pglite';
import { createDatabase, openPostgres } from './db/postgres';
import { openSqlite, sqliteFilePath } from './db/sqlite';
import type { EngineDatabase } from './db/target';
import type { HistoryBackend } from './engine/backend';
import { MigrationEngine } from './engine/migrationEngine';
import { MigrateError } from './errors';
import { readMigrationsFolder } from './migrations/folder';
import { describeUrl, rememberUrlSecrets } from './redact';
import type { PrismaProject, ResolvedUrl } from './types';

export interface ConnectOptions {
  /** A URL that wins over config, env and the embedded default (`--url`, or the extension's stored secret). */
  url?: ResolvedUrl;
  /** Receives the engine's log lines. */
  log?: (line: string) => void;
  /** A SQLite file or PGlite folder that does not exist is an error instead of being created (`verify`). */
  mustExist?: boolean;
  /**
   * The command only reads the database (status, diff, check, verify, the editor's reads): it is opened so
   * that the database itself refuses writes, and a SQLite file or PGlite folder that does not exist is read
   * as an empty database instead of being created. Shadow databases stay writable.
   */
  readOnly?: boolean;
}

export interface ProjectDatabase {
  backend: HistoryBackend;
  /** The schema engine on this database; null for MySQL, where only the history can be managed. */
  engine: MigrationEngine | null;
  /** Where the database is, for people: never a password. */
  label: string;
  databaseName: string;
  url: ResolvedUrl;
}

/** The schema file's folder, or the folder of a multi-file schema. */
function schemaDir(project: PrismaProject): string {
  return project.schemaPath.endsWith('.prisma') ? path.dirname(project.schemaPath) : project.schemaPath;
}

/** Embedded dev databases live next to the schema, where the user can see and delete them. */
export function embeddedLocation(project: PrismaProject): string {
  return path.join(schemaDir(project), project.provider === 'sqlite' ? 'dev.db' : '.pglite');
}

/** Whether the embedded dev database has been created (opening it would create it). */
export function embeddedDatabaseExists(project: PrismaProject): boolean {
  return existsSync(embeddedLocation(project));
}

/** The URL migrations run against, and where it came from. */
export function effectiveUrl(project: PrismaProject, override?: ResolvedUrl): ResolvedUrl {
  // Whichever URL wins, every one the project names is a secret to keep out of messages and logs.
  for (const url of [override, project.url, project.shadowDatabaseUrl]) if (url) rememberUrlSecrets(url.url);
  const given = override ?? project.url;
  if (given) return requireUrl(project, given, 'database');
  const embedded = embeddedUrl(project);
  if (embedded) return embedded;
  throw new MigrateError('config', `No database URL is configured for this ${project.provider} project, and there is no embedded ${project.provider} database. Set one in prisma.config.ts, .env or --url.`);
}

/** The project's warnings for a run with this override of its URL: those about its own URL only where that URL is used. */
export function warningsFor(project: PrismaProject, override?: ResolvedUrl): string[] {
  return override ? project.warnings : [...project.warnings, ...(project.urlWarnings ?? [])];
}

/**
 * An empty URL is a mistake (a CI secret that is not defined), never a reason to fall back to another
 * database: the commands would report success on the embedded one instead.
 */
function requireUrl(project: PrismaProject, url: ResolvedUrl, role: 'database' | 'shadow database'): ResolvedUrl {
  if (url.url.trim() !== '') return url;
  throw new MigrateError('config', `The ${role} URL ${describeUrlSource(url, project)} is empty: nothing was run. Set it to the URL of the database to use.`);
}

/** The embedded dev database: a SQLite file, or PGlite for PostgreSQL; none for other providers. */
export function embeddedUrl(project: PrismaProject): ResolvedUrl | undefined {
  if (project.provider === 'sqlite') return { url: `file:${embeddedLocation(project)}`, source: 'embedded' };
  if (project.provider === 'postgresql') return { url: `pglite:${embeddedLocation(project)}`, source: 'embedded' };
  return undefined;
}

/** The database a URL names, for people, before anything is opened (the same words the backends use). */
export function databaseLabel(url: ResolvedUrl): string {
  if (url.url.startsWith('pglite:')) return `embedded PGlite (${url.url.slice('pglite:'.length)})`;
  return describeUrl(url.url);
}

/** Where a URL came from, in the words the editor shows next to the database. */
export function describeUrlSource(url: ResolvedUrl, project: PrismaProject): string {
  switch (url.source) {
    case 'flag':
      return 'from --url';
    case 'config':
      return `from ${project.configFile ? path.basename(project.configFile) : 'prisma.config.ts'}${url.envVar ? ` (${url.envVar})` : ''}`;
    case 'schema-env':
      return `from the environment${url.envVar ? ` (${url.envVar})` : ''}`;
    case 'schema-literal':
      return 'from the schema';
    case 'secret':
      return 'entered in VS Code';
    case 'embedded':
      return 'embedded';
  }
}

/** Relative SQLite paths resolve against the file that names them, as Prisma does. */
export function urlBaseDir(project: PrismaProject, url: ResolvedUrl): string {
  if (url.source === 'config' && project.configFile) return path.dirname(project.configFile);
  if (url.source === 'schema-env' || url.source === 'schema-literal') return schemaDir(project);
  return project.root;
}

const UNSUPPORTED: Partial<Record<PrismaProject['provider'], string>> = {
  sqlserver: 'SQL Server',
  cockroachdb: 'CockroachDB',
  mongodb: 'MongoDB',
};

/** Opens the project's dev database with the right backend; fails with a typed error before any work starts. */
export async function openProjectDatabase(project: PrismaProject, options: ConnectOptions = {}): Promise<ProjectDatabase> {
  const unsupported = UNSUPPORTED[project.provider];
  if (unsupported) {
    throw new MigrateError(
      'unsupported',
      `${unsupported} migrations need Prisma's native schema engine, which this build does not run; only SQLite, PostgreSQL and (for status, apply, resolve and reset) MySQL are supported.`,
    );
  }
  const url = effectiveUrl(project, options.url);

  if (project.provider === 'mysql') {
    const backend = await openMysqlBackend(url.url, { readOnly: options.readOnly });
    const label = describeUrl(url.url);
    return { backend, engine: null, label, databaseName: label.split('/').pop() ?? label, url };
  }

  if (options.mustExist) requireLocalDatabase(project, url);
  const database = await openEngineDatabase(project, url, options.readOnly === true);
  const engine = new MigrationEngine({
    database,
    schemaFiles: project.engineSchemaFiles,
    configDir: project.root,
    log: options.log,
  });
  return { backend: engine, engine, label: database.label, databaseName: database.databaseName, url };
}

/** Database servers report a missing database themselves; files and folders would be created by opening them. */
function requireLocalDatabase(project: PrismaProject, url: ResolvedUrl): void {
  const location = url.url.startsWith('pglite:')
    ? pgliteDataDir(url.url, urlBaseDir(project, url))
    : /^(file|sqlite):/.test(url.url)
      ? sqliteFilePath(url.url, urlBaseDir(project, url))
      : undefined;
  if (location !== undefined && !existsSync(location)) {
    throw new MigrateError('missingDatabase', `There is no database at ${location}.`, { databaseName: path.basename(location) });
  }
}

async function openEngineDatabase(project: PrismaProject, url: ResolvedUrl, readOnly: boolean): Promise<EngineDatabase> {
  if (project.provider === 'sqlite') {
    if (!/^(file|sqlite):/.test(url.url)) {
      throw new MigrateError('config', `The schema's provider is sqlite but the URL (${describeUrl(url.url)}) is not a file: URL.`);
    }
    return openSqlite(sqliteFilePath(url.url, urlBaseDir(project, url)), { readOnly });
  }
  const scripts = readMigrationsFolder(project.migrationsDir).migrations.flatMap((m) => (m.script === null ? [] : [m.script]));
  const extensions = requiredExtensions(scripts);
  if (url.url.startsWith('pglite:')) return openPglite(pgliteDataDir(url.url, urlBaseDir(project, url)), { extensions, readOnly });
  if (!/^postgres(ql)?:/.test(url.url)) {
    throw new MigrateError('config', `The schema's provider is postgresql but the URL (${describeUrl(url.url)}) is not a postgresql:// URL.`);
  }
  const shadow = project.shadowDatabaseUrl && requireUrl(project, project.shadowDatabaseUrl, 'shadow database');
  return openPostgres(url.url, { shadowDatabaseUrl: shadow?.url, extensions, readOnly });
}

/** Creates the database a 'missingDatabase' error named (PostgreSQL servers; other databases never report it). */
export async function createMissingDatabase(project: PrismaProject, override?: ResolvedUrl): Promise<void> {
  const url = effectiveUrl(project, override);
  if (project.provider !== 'postgresql' || !/^postgres(ql)?:/.test(url.url)) {
    throw new MigrateError('unsupported', `Creating the database is only supported for PostgreSQL servers (${describeUrl(url.url)}).`);
  }
  await createDatabase(url.url);
}
