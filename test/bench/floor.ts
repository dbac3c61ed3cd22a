// The floor for applying a migration history: the same files run by the databases' own command-line
// clients, in one session, all files concatenated, with no bookkeeping.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/** The full path of a command on PATH, or null. */
export function which(command: string): string | null {
  const result = spawnSync('which', [command], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

interface RunResult {
  ms: number;
  stdout: string;
}

/** Runs a command with `stdinFile` as its standard input; rejects on a non-zero exit, with its stderr. */
function run(command: string, args: string[], stdinFile: string | null): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const fd = stdinFile === null ? null : openSync(stdinFile, 'r');
    const started = performance.now();
    const child = spawn(command, args, { stdio: [fd ?? 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (fd !== null) closeSync(fd);
      if (code === 0 && stderr.trim() === '') resolve({ ms, stdout });
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}

/** `sqlite3 -bail FILE < script`: one process, one session. Resolves with the wall time in ms. */
export async function sqlite3Apply(sqlite3: string, dbFile: string, script: string): Promise<number> {
  return (await run(sqlite3, ['-bail', dbFile], script)).ms;
}

/** `psql -X -v ON_ERROR_STOP=1 -q -f script URL`: one process, one session. Resolves with the wall time in ms. */
export async function psqlApply(psql: string, url: string, script: string): Promise<number> {
  return (await run(psql, ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-f', script, url], null)).ms;
}

/** One value from a query, through the command-line client (for checking what the floor left behind). */
export async function sqlite3Value(sqlite3: string, dbFile: string, sql: string): Promise<string> {
  return (await run(sqlite3, [dbFile, sql], null)).stdout.trim();
}

export async function psqlValue(psql: string, url: string, sql: string): Promise<string> {
  return (await run(psql, ['-X', '-A', '-t', '-c', sql, url], null)).stdout.trim();
}

/** A whole `psql -c` process reading one query's result: what any command that reads the database pays at least. */
export async function psqlTime(psql: string, url: string, sql: string): Promise<number> {
  return (await run(psql, ['-X', '-A', '-t', '-c', sql, url], null)).ms;
}
