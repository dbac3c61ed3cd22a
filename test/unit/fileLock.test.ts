// The one cross-process lock both the migrations folder and the PGlite folder use: who counts as a live
// holder (pid, start time, host), what is taken over, and the two ways of meeting a live holder.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireFileLock } from '../../src/core/fileLock';
import { expectMigrateError } from '../helpers/migrateError';

const held = (who: string) => `The thing is held by ${who}.`;

describe('file lock', () => {
  const dirs: string[] = [];
  const lockFile = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-filelock-'));
    dirs.push(dir);
    return path.join(dir, 'the.lock');
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a waiter gets the lock once the live holder releases it; each release removes only its own lock', async () => {
    const file = lockFile();
    const releaseFirst = await acquireFileLock(file, { waitMs: 0, held });
    let secondHolds = false;
    const second = acquireFileLock(file, { waitMs: 60_000, held }).then((release) => {
      secondHolds = true;
      return release;
    });
    await expectMigrateError(acquireFileLock(file, { waitMs: 0, held }), 'state', /held by this process \(pid \d+\) since /);
    assert.equal(secondHolds, false);
    releaseFirst();
    const releaseSecond = await second;
    releaseFirst();
    assert.ok(existsSync(file), 'a second release of the first holding leaves the second one’s lock');
    releaseSecond();
    assert.deepEqual(readdirSync(path.dirname(file)), []);
  });

  it('a lock whose pid now runs another process is taken over at once, even by a waiter', async (t) => {
    if (process.platform !== 'linux') t.skip('process start times are read from /proc');
    const file = lockFile();
    writeFileSync(file, JSON.stringify({ pid: process.pid, started: 'another-boot/1', host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const release = await acquireFileLock(file, { waitMs: 5_000, held });
    assert.notEqual(JSON.parse(readFileSync(file, 'utf8')).started, 'another-boot/1');
    release();
  });

  it('a lock that names no holder is taken over: it appears whole, so nobody is still writing it', async () => {
    const file = lockFile();
    writeFileSync(file, '');
    const release = await acquireFileLock(file, { waitMs: 0, held });
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid);
    release();
  });

  it('a holder on another host is never judged dead (its pid means nothing here); the refusal names host, file and remedy', async () => {
    const file = lockFile();
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    const stale = JSON.stringify({ pid: child.pid, host: 'build-box', since: '2026-01-01T00:00:00.000Z' });
    writeFileSync(file, stale);
    const refused = await expectMigrateError(acquireFileLock(file, { waitMs: 100, held }), 'state');
    assert.equal(
      refused.message,
      `The thing is held by another process (pid ${child.pid}) on build-box since 2026-01-01T00:00:00.000Z. If no such process uses it, delete the lock file ${file} and retry.`,
    );
    assert.equal(readFileSync(file, 'utf8'), stale);
  });
});
