import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqlite } from '../../src/core/db/sqlite';
import { engineSuite } from './engineSuite';

engineSuite('SQLite (libsql)', {
  provider: 'sqlite',
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-sqlite-'));
    return { database: openSqlite(path.join(dir, 'dev.db')), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
});
