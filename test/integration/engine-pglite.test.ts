import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPglite } from '../../src/core/db/pglite';
import { engineSuite } from './engineSuite';

engineSuite('embedded PGlite', {
  provider: 'postgresql',
  async open() {
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-pglite-'));
    return { database: await openPglite(path.join(dir, '.pglite')), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
});
