// The CLI run in-process for attacks that need to act while it runs, and a gate that keeps a migration
// running until the test opens it: `SELECT pg_advisory_lock(GATE)` in a migration waits while the test
// holds that lock (on the same database: advisory locks are per database).
import assert from 'node:assert/strict';
import type pg from 'pg';
import { runCli } from '../../src/cli/main';

export const GATE = 4242;

/** The backend of a session waiting at the gate. */
export const WAITING_ON_GATE = `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = ${GATE} AND NOT granted`;

export interface Run {
  done: Promise<{ code: number; stdout: string; stderr: string }>;
  /** Resolves once the run has printed a line matching `pattern` to stderr. */
  said(pattern: RegExp): Promise<void>;
}

export function startCli(cwd: string, ...args: string[]): Run {
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  const done = runCli(args, {
    out: (text) => (stdout += `${text}\n`),
    err: (text) => {
      stderr += `${text}\n`;
      for (const waiter of waiters.filter((w) => w.pattern.test(text))) waiter.resolve();
    },
  }, cwd).then((code) => ({ code, stdout, stderr }));
  return {
    done,
    said: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ pattern, resolve })),
            done.then((r) => assert.fail(`ended without saying ${pattern}: ${r.stderr}`)),
          ]),
  };
}

/** Polls with a deadline until `query` returns a row; returns its first value. */
export async function waitForRow(client: pg.Client, query: string, what: string): Promise<unknown> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await client.query(query);
    if (rows.length > 0) return Object.values(rows[0] as object)[0];
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

