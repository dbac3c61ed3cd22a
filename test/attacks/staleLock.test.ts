// Attacks on the embedded PGlite folder's lock (issue #14, item 5), with real processes: several racing
// for a lock its dead holder left, a lock whose pid now belongs to another process, a live holder.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { LOCK_FILE } from '../../src/core/db/pgliteLock';

const CONTENDER = path.join(__dirname, '..', 'helpers', 'lockContender.ts');

interface Contender {
  child: ChildProcessWithoutNullStreams;
  /** The next line the contender prints. */
  line(): Promise<string>;
}

async function startContender(dataDir: string): Promise<Contender> {
  const child = spawn(process.execPath, ['--import', 'tsx', CONTENDER, dataDir]);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const contender: Contender = {
    child,
    line: async () => {
      const next = await lines.next();
      assert.ok(!next.done, 'the contender exited without a word');
      return next.value;
    },
  };
  assert.equal(await contender.line(), 'ready');
  return contender;
}

/** Starts `count` contenders, lets them all go at once, and returns what each said. */
async function race(dataDir: string, count: number): Promise<{ contenders: Contender[]; outcomes: string[] }> {
  const contenders = await Promise.all(Array.from({ length: count }, () => startContender(dataDir)));
  for (const contender of contenders) contender.child.stdin.write('go\n');
  return { contenders, outcomes: await Promise.all(contenders.map((c) => c.line())) };
}

async function stop(contenders: readonly Contender[]): Promise<void> {
  await Promise.all(
    contenders.map(async ({ child }) => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    }),
  );
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

describe('attack: stale PGlite lock takeover', () => {
  const dirs: string[] = [];
  const newDataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pm-lock-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('four processes on a dead pid’s lock: exactly one takes it over, every round', async () => {
    for (let round = 0; round < 5; round++) {
      const dataDir = newDataDir();
      writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: await deadPid() }));
      const { contenders, outcomes } = await race(dataDir, 4);
      try {
        assert.equal(outcomes.filter((o) => o === 'acquired').length, 1, `round ${round}: ${outcomes.join(' | ')}`);
        assert.equal(outcomes.filter((o) => o.startsWith('refused: ')).length, 3, outcomes.join(' | '));
        const holder = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as { pid: number };
        assert.equal(holder.pid, contenders[outcomes.indexOf('acquired')]!.child.pid);
      } finally {
        await stop(contenders);
      }
      assert.deepEqual(readdirSync(dataDir), [], 'the holder released its lock and no takeover file is left');
    }
  });

  it('a lock from an earlier version (a bare dead pid) is taken over', async () => {
    const dataDir = newDataDir();
    writeFileSync(path.join(dataDir, LOCK_FILE), String(await deadPid()));
    const { contenders, outcomes } = await race(dataDir, 2);
    await stop(contenders);
    assert.deepEqual([...outcomes].sort(), ['acquired', outcomes.find((o) => o.startsWith('refused: '))].sort());
  });

  it('a lock whose pid now belongs to another live process is taken over, not kept forever', async (t) => {
    if (process.platform !== 'linux') t.skip('process start times are read from /proc');
    const dataDir = newDataDir();
    // A live process that is not the one that wrote the lock: same pid, another start time.
    const reused = await startContender(newDataDir());
    try {
      writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: reused.child.pid, started: 'another-boot/1' }));
      const { contenders, outcomes } = await race(dataDir, 1);
      await stop(contenders);
      assert.deepEqual(outcomes, ['acquired']);
    } finally {
      await stop([reused]);
    }
  });

  it('a live holder keeps the folder; the refusal names the lock file and how to remove it', async () => {
    const dataDir = newDataDir();
    const { contenders, outcomes } = await race(dataDir, 1);
    try {
      assert.deepEqual(outcomes, ['acquired']);
      const second = await race(dataDir, 1);
      await stop(second.contenders);
      const [refusal] = second.outcomes;
      assert.match(refusal!, new RegExp(`another process \\(pid ${contenders[0]!.child.pid}\\)`));
      assert.ok(refusal!.includes(`delete the lock file ${path.join(dataDir, LOCK_FILE)}`), refusal);
    } finally {
      await stop(contenders);
    }
  });
});
