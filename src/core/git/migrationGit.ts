import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What git says about a migration folder: every file committed, or the worst of its files. */
export type MigrationGitState = 'committed' | 'untracked' | 'uncommitted' | 'modified';

/** One changed path as git reports it, whatever reported it (the git CLI, or VS Code's Git extension). */
export interface GitChange {
  /** Absolute path. */
  file: string;
  kind: 'untracked' | 'added' | 'modified' | 'deleted';
}

export interface GitView {
  /** Migration folder name → its state; folders absent from the map are committed and unchanged. */
  states: Map<string, Exclude<MigrationGitState, 'committed'>>;
  /** Migration folder name → branches whose tree has it, for migrations this checkout lacks. */
  elsewhere: Map<string, string[]>;
}

const SEVERITY: Record<Exclude<MigrationGitState, 'committed'>, number> = { modified: 1, uncommitted: 2, untracked: 3 };

/**
 * Each migration folder's state from the repository's changed paths: untracked (git does not know it),
 * uncommitted (added to the index only), modified (committed, changed since). A folder with several
 * changed files takes the one that matters most (an untracked file means the migration is not shared).
 */
export function migrationStates(migrationsDir: string, changes: readonly GitChange[]): Map<string, Exclude<MigrationGitState, 'committed'>> {
  const states = new Map<string, Exclude<MigrationGitState, 'committed'>>();
  for (const change of changes) {
    const relative = path.relative(migrationsDir, change.file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const [folder, ...inside] = relative.split(path.sep);
    if (inside.length === 0) continue;
    const state = change.kind === 'untracked' ? 'untracked' : change.kind === 'added' ? 'uncommitted' : 'modified';
    const previous = states.get(folder);
    if (!previous || SEVERITY[state] > SEVERITY[previous]) states.set(folder, state);
  }
  return states;
}

/** `git status --porcelain=v1 -z` entries as changes; null outside a repository or without git. */
export async function gitChanges(dir: string): Promise<GitChange[] | null> {
  const root = await git(dir, ['rev-parse', '--show-toplevel']);
  if (root === null) return null;
  const top = root.trim();
  const status = await git(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.']);
  if (status === null) return null;
  const changes: GitChange[] = [];
  const entries = status.split('\0');
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i];
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    const file = path.join(top, entry.slice(3));
    // A rename's entry is followed by its source path.
    if (code[0] === 'R' || code[0] === 'C') i += 1;
    changes.push({ file, kind: code === '??' ? 'untracked' : code[0] === 'A' ? 'added' : code.includes('D') ? 'deleted' : 'modified' });
  }
  return changes;
}

/** Branches (local and remote) whose tree has each of `names` as a folder of the migrations folder. */
export async function branchesWithMigrations(migrationsDir: string, names: readonly string[], maxBranches = 50): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (names.length === 0) return found;
  const root = (await git(migrationsDir, ['rev-parse', '--show-toplevel']))?.trim();
  const refs = await git(migrationsDir, ['for-each-ref', '--format=%(refname:short)', '--sort=-committerdate', 'refs/heads', 'refs/remotes']);
  if (!root || refs === null) return found;
  const relative = path.relative(root, migrationsDir);
  const wanted = new Set(names);
  for (const ref of refs.split('\n').filter((r) => r && !r.endsWith('/HEAD')).slice(0, maxBranches)) {
    for (const name of (await migrationFoldersAt(root, ref, relative)) ?? []) {
      if (wanted.has(name)) found.set(name, [...(found.get(name) ?? []), ref]);
    }
  }
  return found;
}

/**
 * The migration folder names a commit's tree has, `relative` being the migrations folder's path from `cwd`
 * (ls-tree takes and prints paths relative to where it runs); empty when that tree has no such folder,
 * null when git fails.
 */
export async function migrationFoldersAt(cwd: string, rev: string, relative: string): Promise<string[] | null> {
  const dir = relative.split(path.sep).join('/');
  const listing = await git(cwd, ['ls-tree', '-d', '--name-only', rev, '--', `${dir}/`]);
  return listing === null ? null : listing.split('\n').flatMap((line) => (line ? [line.slice(dir.length + 1)] : []));
}

/** What git knows about a migrations folder: the CLI's and the CI gate's source (the editor asks VS Code's Git). */
export async function migrationGitView(migrationsDir: string, missingLocally: readonly string[]): Promise<GitView | null> {
  const changes = await gitChanges(migrationsDir);
  if (!changes) return null;
  return { states: migrationStates(migrationsDir, changes), elsewhere: await branchesWithMigrations(migrationsDir, missingLocally) };
}

/** git's output, or null when git is missing, the folder is not in a repository, or the command fails. */
export async function git(cwd: string, args: readonly string[]): Promise<string | null> {
  try {
    const { stdout } = await run('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    return stdout;
  } catch {
    return null;
  }
}
