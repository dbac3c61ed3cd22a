import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { BUNDLED_PRISMA, describeSkew, installedVersion, versionSkew } from '../../src/core/project/versionSkew';

describe('version skew between the project and the bundled engine', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pm-skew-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const project = (name: string, versions: Record<string, string>) => {
    const dir = path.join(root, name);
    for (const [pkg, version] of Object.entries(versions)) {
      mkdirSync(path.join(dir, 'node_modules', pkg), { recursive: true });
      writeFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), JSON.stringify({ name: pkg, version }));
    }
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  test('the bundled version is the pinned @prisma/migrate', () => {
    assert.equal(BUNDLED_PRISMA, '7.10.0');
  });

  test('nothing installed, or the same version: nothing to say', () => {
    assert.equal(versionSkew(project('none', {})), null);
    assert.equal(versionSkew(project('same', { prisma: BUNDLED_PRISMA, '@prisma/client': BUNDLED_PRISMA })), null);
  });

  test('Prisma 6 names the datasource URL change', () => {
    const skew = versionSkew(project('six', { prisma: '6.19.0', '@prisma/client': '6.19.0' }));
    assert.deepEqual(skew?.installed, { prisma: '6.19.0', '@prisma/client': '6.19.0' });
    assert.equal(skew?.notes.length, 1, 'one note for both packages');
    assert.match(describeSkew(skew!), /^This project has prisma 6\.19\.0, @prisma\/client 6\.19\.0; the extension's engine is Prisma 7\.10\.0\. Prisma 6 schemas keep the database URL in the datasource block/);
  });

  test('a newer major, another minor, another patch', () => {
    assert.match(versionSkew(project('eight', { prisma: '8.0.0' }))!.notes[0], /newer than the engine bundled here/);
    assert.match(versionSkew(project('minor', { prisma: '7.8.1' }))!.notes[0], /slightly different SQL/);
    assert.match(versionSkew(project('patch', { prisma: '7.10.2' }))!.notes[0], /nothing changes for migrations/);
  });

  test("a monorepo package finds the root's node_modules, as Node does", () => {
    const monorepo = project('mono', { prisma: '6.2.0' });
    const app = path.join(monorepo, 'packages', 'api');
    mkdirSync(app, { recursive: true });
    assert.equal(installedVersion(app, 'prisma'), '6.2.0');
  });
});
