// Child processes of the harness: each in its own process group (spawned detached), stopped by signalling
// the whole group, which also reaches what it started itself (code-server's file watcher, extension host,
// language servers). A stop is registered for every group, and runs on success, failure and Ctrl-C alike.
import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Every group started here and not stopped yet: SIGKILLed if this process exits without cleaning up. */
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
});

export interface GroupProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Also the process group id. */
  pid: number;
  /** Resolves when the leader exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when no member is left. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `command` as the leader of a new process group. Rejects with a sentence naming `what` when it
 * cannot start at all (missing binary, not executable).
 */
export async function spawnGroup(what: string, command: string, args: string[], options: SpawnOptions = {}): Promise<GroupProcess> {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(`${what} cannot start: ${command}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`, { cause: error }));
    });
  });
  child.on('error', () => undefined); // later errors (a failed signal) surface through stop()
  const pid = child.pid as number;
  liveGroups.add(pid);
  let stopping: Promise<void> | undefined;
  const stop = (graceMs?: number) => {
    stopping ??= stopGroup(pid, graceMs).finally(() => {
      unregister();
      liveGroups.delete(pid);
    });
    return stopping;
  };
  const unregister = onCleanup(`stopping ${what}`, () => stop());
  return { child, pid, exited, stop };
}

/** Live (non-zombie) members of process group `pgid`, from /proc. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(name));
  }
  return members;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitUntilEmpty(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function stopGroup(pgid: number, graceMs = 3000): Promise<void> {
  if (groupMembers(pgid).length === 0) return;
  signalGroup(pgid, 'SIGTERM');
  if (await waitUntilEmpty(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  if (!(await waitUntilEmpty(pgid, 3000))) {
    throw new Error(`Process group ${pgid} still has members after SIGKILL: ${groupMembers(pgid).join(', ')}`);
  }
}

interface Cleanup {
  /** What it does, for the message a signal prints: "stopping code-server", "removing /tmp/pmv-x". */
  what: string;
  fn: () => Promise<void> | void;
}

const cleanups: Cleanup[] = [];

/** Registers work for `runCleanups` (last registered runs first); returns the function that unregisters it. */
export function onCleanup(what: string, fn: () => Promise<void> | void): () => void {
  const cleanup = { what, fn };
  cleanups.push(cleanup);
  return () => {
    const index = cleanups.lastIndexOf(cleanup);
    if (index >= 0) cleanups.splice(index, 1);
  };
}

let cleaningUp: Promise<void> | undefined;

/**
 * Runs every registered cleanup, newest first; reports failures but never throws. One run at a time: a
 * second caller (the signal handler while the harness finishes, or the other way round) waits for it.
 */
export function runCleanups(): Promise<void> {
  cleaningUp ??= (async () => {
    while (cleanups.length > 0) {
      const { fn } = cleanups.pop() as Cleanup;
      try {
        await fn();
      } catch (error) {
        console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })().finally(() => {
    cleaningUp = undefined;
  });
  return cleaningUp;
}

let installed = false;
let stoppingOnSignal = false;

/** True once a signal started the shutdown: work failing from then on is its side effect, not a failure to report. */
export function isStoppingOnSignal(): boolean {
  return stoppingOnSignal;
}

/**
 * Ctrl-C, SIGTERM and SIGHUP run the cleanups, then exit with 128 + signal number. A second Ctrl-C while
 * cleaning up exits at once (the groups still get a SIGKILL from the exit hook).
 */
export function stopEverythingOnSignals(): void {
  if (installed) return;
  installed = true;
  const codes: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
  for (const signal of Object.keys(codes) as NodeJS.Signals[]) {
    process.on(signal, () => {
      if (stoppingOnSignal) process.exit(codes[signal]);
      stoppingOnSignal = true;
      // What is registered right now, so the message never names a process this run did not start.
      const pending = cleanups.map((cleanup) => cleanup.what).reverse();
      console.error(`\n${signal}: ${pending.length > 0 ? `${pending.join(', ')} …` : 'nothing was started yet, exiting.'}`);
      void runCleanups().finally(() => process.exit(codes[signal]));
    });
  }
}

