import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPostgres } from '../../src/core/db/postgres';
import { openSqlite } from '../../src/core/db/sqlite';
import type { EngineDatabase } from '../../src/core/db/target';
import { newPostgresDatabase } from './postgresDatabase';

/** A new, empty dev database: a SQLite file in a temp folder, or a database of its own on the PostgreSQL server; `drop` removes it. */
export async function newDevDatabase(provider: 'sqlite' | 'postgresql'): Promise<{ database: EngineDatabase; drop(): Promise<void> }> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-dev-'));
    return { database: openSqlite(path.join(dir, 'dev.db')), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const created = await newPostgresDatabase();
  return { database: await openPostgres(created.url), drop: created.drop };
}
