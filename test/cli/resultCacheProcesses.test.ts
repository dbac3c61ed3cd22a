// The result cache shared by processes (the bundled CLI on a copy of the example project): a process
// killed while writing a result leaves nothing trusted and the next run answers right and sweeps; two
// processes at once both answer right and leave only valid entries. Every answer is compared with a run
// on an empty cache folder, which computes everything.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { readEntry } from '../../src/core/db/cacheEntries';
import { pausedWrite } from '../helpers/pausedWrite';
import { tempDirs } from '../helpers/tempDirs';

const bundle = path.resolve(__dirname, '../../dist/cli.js');
const example = path.resolve(__dirname, '../../example');
const temps = tempDirs('pm-result-processes');

describe('the result cache across processes', () => {
  let dir: string;
  let uncached: string;
  const env = (cacheDir: string, extra: NodeJS.ProcessEnv = {}) => ({ ...process.env, PRISMA_MIGRATIONS_CACHE_DIR: cacheDir, ...extra });
  const status = (cacheDir: string) => {
    const run = spawnSync(process.execPath, [bundle, 'status', '--json'], { cwd: dir, env: env(cacheDir), encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout;
  };
  const spawnStatus = (cacheDir: string, extra: NodeJS.ProcessEnv = {}) =>
    spawn(process.execPath, [bundle, 'status', '--json'], { cwd: dir, env: env(cacheDir, extra), stdio: ['ignore', 'pipe', 'pipe'] });
  const results = (cacheDir: string) => readdirSync(path.join(cacheDir, 'results'));

  before(() => {
    assert.ok(existsSync(bundle), `${bundle} is missing: run npm run build first`);
    dir = temps.make('example');
    cpSync(example, dir, { recursive: true, filter: (source) => !/dev\.db|\.pglite/.test(source) });
    const apply = spawnSync(process.execPath, [bundle, 'apply'], { cwd: dir, env: env(temps.make('apply')), encoding: 'utf8' });
    assert.equal(apply.status, 0, apply.stderr);
    uncached = status(temps.make('reference'));
    assert.match(uncached, /"drift": null/);
  });

  it('a process killed while writing a result leaves nothing trusted; the next run answers right and sweeps', async (t) => {
    const cacheDir = temps.make('cache');
    const { temp, kill } = await pausedWrite(t, temps.make('marker'), (extra) => spawnStatus(cacheDir, extra));
    assert.equal(path.dirname(temp), path.join(cacheDir, 'results'), 'the paused write is a result');
    assert.equal(await kill(), 'SIGKILL');
    assert.deepEqual(results(cacheDir), [path.basename(temp)], 'only the half-written temp file is there');

    assert.equal(status(cacheDir), uncached);
    assert.equal(existsSync(temp), false, "the dead process's temp file is swept");
    assert.ok(results(cacheDir).length > 0);
    assert.equal(status(cacheDir), uncached, 'answered from the stored result');
  });

  it('two processes at once both answer right and leave only valid entries', async () => {
    const cacheDir = temps.make('cache');
    const outputs = await Promise.all(
      [spawnStatus(cacheDir), spawnStatus(cacheDir)].map(
        (proc) =>
          new Promise<string>((resolve, reject) => {
            let text = '';
            proc.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
            proc.once('error', reject);
            proc.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`status exited with ${code}`))));
          }),
      ),
    );
    assert.deepEqual(outputs, [uncached, uncached]);
    const names = results(cacheDir);
    assert.ok(names.length > 0);
    for (const name of names) assert.ok(readEntry(path.join(cacheDir, 'results'), name), `${name} is a whole entry`);
    assert.equal(status(cacheDir), uncached);
  });
});
