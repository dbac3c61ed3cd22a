import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cli, cliSuite } from './cliSuite';

cliSuite('SQLite (embedded default: prisma/dev.db)', {
  provider: 'sqlite',
  open: async () => ({ args: [], drop: async () => {} }),
});

describe('prisma-migrations CLI on projects it cannot serve', () => {
  const inFolder = async (files: Record<string, string>, ...args: string[]) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-cli-'));
    try {
      for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
      return await cli(dir, ...args);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  for (const provider of ['sqlserver', 'mongodb', 'cockroachdb']) {
    it(`${provider}: one sentence saying it is not supported, exit 2`, async () => {
      const result = await inFolder({ 'schema.prisma': `datasource db {\n  provider = "${provider}"\n}\n` }, 'status', '--url', 'x://h/db');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^Error: .* migrations need Prisma's native schema engine, which this build does not run/);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    });
  }

  it('no schema anywhere: says where it looked, exit 2', async () => {
    const result = await inFolder({}, 'status');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /No Prisma schema found/);
  });

  it('an unknown command or option: one line, exit 2', async () => {
    assert.equal((await inFolder({}, 'migrate')).code, 2);
    const result = await inFolder({}, 'status', '--nope');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown option '--nope'/);
  });
});
