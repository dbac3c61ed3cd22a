import { type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

/**
 * Starts a process that pauses in the middle of writing its first cache entry (cacheEntries.ts), and waits
 * for that moment: `start` gets the environment to run it with. Resolves with the half-written temp file,
 * a way to kill the process (resolving with its signal) once the test has looked. The process is killed
 * after the test whatever happens: once paused it waits for good.
 */
export async function pausedWrite(
  t: TestContext,
  markers: string,
  start: (env: NodeJS.ProcessEnv) => ChildProcess,
): Promise<{ temp: string; kill(): Promise<NodeJS.Signals | null> }> {
  const marker = path.join(markers, 'paused');
  const proc = start({ PRISMA_MIGRATIONS_CACHE_TEST_PAUSE: marker });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once('exit', (_code, signal) => resolve(signal)));
  t.after(() => void proc.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    const watcher = watch(markers, () => {
      if (!existsSync(marker)) return;
      watcher.close();
      resolve();
    });
    void exited.then(() => {
      watcher.close();
      reject(new Error('the process ended before it started writing a cache entry'));
    });
  });
  return {
    temp: readFileSync(marker, 'utf8'),
    kill: () => {
      proc.kill('SIGKILL');
      return exited;
    },
  };
}
