import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { urlBaseDir } from '../connect';
import { openPglite, pgliteDataDir } from '../db/pglite';
import { LOCK_FILE, lockDataDir } from '../db/pgliteLock';
import { openPostgres } from '../db/postgres';
import { maintenanceClient, postgresTarget, withDatabase } from '../db/postgresServer';
import { dropDatabase } from '../db/postgresShadow';
import { openSqlite, requireSqliteFile, sqliteFilePath } from '../db/sqlite';
import type { EngineDatabase } from '../db/target';
import { errorMessage, MigrateError } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import { describeUrl } from '../redact';
import { formatBytes } from '../text/byteSize';
import type { PrismaProject, ResolvedUrl } from '../types';
import { copyThroughDriver } from './driverCopy';

/** How the copy was taken, in words for the report. */
export type CopyMethod = 'PostgreSQL template copy' | 'PostgreSQL copy through the driver' | 'PGlite data directory copy' | 'SQLite VACUUM INTO snapshot';

/** A database of nobody's holding what the original held when it was copied; disposing drops it. */
export interface DatabaseCopy {
  database: EngineDatabase;
  /** The original's label (never a password). */
  original: string;
  method: CopyMethod;
  /** The original's size as its database reports it (PostgreSQL) or its files take on disk. */
  bytes: number;
  copyMs: number;
  dispose(): Promise<void>;
}

export interface CopyOptions {
  /** A larger original is refused before anything is copied. */
  maxBytes: number;
  /** The history the original applied, replayed where a server copies through the driver. */
  folder: MigrationsFolder;
  /** Extensions the migrations create (PGlite loads them). */
  extensions?: string[];
}

/** 1 GB: a copy that takes more disk and time than a developer would expect from a check is asked for by name. */
export const DEFAULT_MAX_COPY_BYTES = 1e9;

/**
 * Copies the database `url` names, reading the original only: a PostgreSQL server copies it as a template
 * into a new database on the same server (through the driver while other sessions use it); a PGlite folder is copied file by file while its lock keeps
 * every other user of ours out; a SQLite file is snapshotted by SQLite itself (`VACUUM INTO`, the
 * transactionally consistent alternative to the backup API, which works on a read-only connection).
 */
export async function copyDatabase(project: PrismaProject, url: ResolvedUrl, options: CopyOptions): Promise<DatabaseCopy> {
  if (project.provider === 'sqlite') return copySqlite(sqliteFilePath(url.url, urlBaseDir(project, url)), options);
  if (project.provider !== 'postgresql') {
    throw new MigrateError('unsupported', `Rehearsal copies SQLite and PostgreSQL databases; this build cannot copy a ${project.provider} database.`);
  }
  if (url.url.startsWith('pglite:')) return copyPglite(pgliteDataDir(url.url, urlBaseDir(project, url)), options);
  return copyServerDatabase(project, url.url, options);
}

/**
 * The engine working on the copy disposes its database when it is done, and the copy is disposed
 * after it, or alone when the engine never started: whichever comes first drops the copy.
 */
function databaseCopy(database: EngineDatabase, fields: Omit<DatabaseCopy, 'database' | 'dispose'>, drop: () => Promise<void> | void): DatabaseCopy {
  let disposed: Promise<void> | undefined;
  const dispose = () => (disposed ??= database.dispose().finally(drop));
  return { ...fields, database: { ...database, dispose }, dispose };
}

function refuseLarger(bytes: number, options: CopyOptions, what: string): void {
  if (bytes <= options.maxBytes) return;
  throw new MigrateError(
    'refused',
    `${what} takes ${formatBytes(bytes)}, more than the ${formatBytes(options.maxBytes)} a rehearsal copies unless told: nothing was copied.`,
  );
}

function missing(location: string): MigrateError {
  return new MigrateError('missingDatabase', `There is no database at ${location} to copy: apply the migrations to create it first.`, {
    databaseName: path.basename(location),
  });
}

async function copySqlite(file: string, options: CopyOptions): Promise<DatabaseCopy> {
  if (!requireSqliteFile(file)) throw missing(file);
  // Pages still in the write-ahead log are part of the database too.
  const bytes = [file, `${file}-wal`].reduce((sum, part) => sum + (existsSync(part) ? statSync(part).size : 0), 0);
  refuseLarger(bytes, options, file);
  const dir = mkdtempSync(path.join(tmpdir(), 'prisma-migrations-rehearsal-'));
  const copyFile = path.join(dir, path.basename(file));
  const started = performance.now();
  const original = openSqlite(file, { readOnly: true });
  try {
    const connection = await original.factory.mainConnection();
    // `query_only` also refuses VACUUM INTO, whose only write is the new file: lifted for it alone.
    await connection.executeScript(`PRAGMA query_only = OFF; VACUUM INTO '${copyFile.replace(/'/g, "''")}'; PRAGMA query_only = ON;`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  } finally {
    await original.dispose();
  }
  const database = openSqlite(copyFile);
  return databaseCopy(
    { ...database, label: `a copy of ${file}` },
    { original: file, method: 'SQLite VACUUM INTO snapshot', bytes, copyMs: performance.now() - started },
    () => rmSync(dir, { recursive: true, force: true }),
  );
}

function folderBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

async function copyPglite(dataDir: string, options: CopyOptions): Promise<DatabaseCopy> {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) throw missing(dataDir);
  const bytes = folderBytes(dataDir);
  refuseLarger(bytes, options, dataDir);
  const dir = mkdtempSync(path.join(tmpdir(), 'prisma-migrations-rehearsal-'));
  const copyDir = path.join(dir, path.basename(dataDir));
  const started = performance.now();
  try {
    const unlock = await lockDataDir(dataDir);
    try {
      cpSync(dataDir, copyDir, { recursive: true, filter: (source) => !path.basename(source).startsWith(LOCK_FILE) });
    } finally {
      unlock();
    }
    const database = await openPglite(copyDir, { extensions: options.extensions });
    return databaseCopy(
      { ...database, label: `a copy of ${dataDir}` },
      { original: `embedded PGlite (${dataDir})`, method: 'PGlite data directory copy', bytes, copyMs: performance.now() - started },
      () => rmSync(dir, { recursive: true, force: true }),
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

const OBJECT_IN_USE = '55006';

async function hasOtherSessions(admin: pg.Client, database: string): Promise<boolean> {
  const sessions = await admin.query<{ count: string }>('SELECT count(*)::text AS count FROM pg_stat_activity WHERE datname = $1', [database]);
  return Number(sessions.rows[0]?.count ?? 0) > 0;
}
/** PostgreSQL's identifier limit, in bytes. */
const MAX_IDENTIFIER = 63;

/**
 * `CREATE DATABASE … TEMPLATE` copies the files of the original, which PostgreSQL allows only while no
 * session is connected to it (ours connects to the maintenance database). With another session there (the
 * application, left alone), the content is copied through the driver instead (driverCopy.ts).
 */
async function copyServerDatabase(project: PrismaProject, url: string, options: CopyOptions): Promise<DatabaseCopy> {
  const target = postgresTarget(url);
  const admin = await maintenanceClient(target);
  const suffix = `_rehearsal_${randomBytes(4).toString('hex')}`;
  const name = Buffer.from(target.database).subarray(0, MAX_IDENTIFIER - suffix.length).toString().replace(/\uFFFD$/, '') + suffix;
  let created = false;
  try {
    const size = await admin.query<{ bytes: string }>('SELECT pg_database_size($1)::text AS bytes', [target.database]).catch((error: unknown) => {
      throw (error as { code?: unknown }).code === '3D000'
        ? new MigrateError('missingDatabase', `Database \`${target.database}\` does not exist on ${target.address}: there is nothing to copy.`, { databaseName: target.database })
        : error;
    });
    const bytes = Number(size.rows[0]?.bytes ?? 0);
    refuseLarger(bytes, options, `Database \`${target.database}\` on ${target.address}`);
    const started = performance.now();
    let method: CopyMethod = 'PostgreSQL copy through the driver';
    const throughDriver = async () => {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      created = true;
      await copyThroughDriver(project, options.folder, target, name, options.extensions ?? []);
    };
    // With another session on the original (the application), PostgreSQL would wait 5 s for it to leave, then
    // refuse: the driver copies the content instead. A session that comes in between is caught by the refusal.
    if (await hasOtherSessions(admin, target.database)) await throughDriver();
    else {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(target.database)}`).then(
        () => (method = 'PostgreSQL template copy'),
        (error: unknown) => ((error as { code?: unknown }).code === OBJECT_IN_USE ? throughDriver() : Promise.reject(error)),
      );
    }
    created = true;
    const copyMs = performance.now() - started;
    const database = await openPostgres(withDatabase(target, name).url, { extensions: options.extensions });
    return databaseCopy(
      { ...database, label: `a copy of ${target.display}` },
      { original: describeUrl(url), method, bytes, copyMs },
      () => dropDatabase(admin, name, target),
    );
  } catch (error) {
    if (created) await dropDatabase(admin, name, target).catch(() => undefined);
    else await admin.end().catch(() => undefined);
    throw error instanceof MigrateError ? error : new MigrateError('state', `Could not copy ${target.display}: ${errorMessage(error)}`, { cause: error });
  }
}
