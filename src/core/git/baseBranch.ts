import path from 'node:path';
import { MigrateError } from '../errors';
import { compareMigrationNames, MIGRATION_FILE } from '../migrations/folder';
import { git, migrationFoldersAt } from './migrationGit';

/** What the branch a pull request targets did to the migrations since this branch left it. */
export interface BaseBranch {
  /** The ref as the user gave it, e.g. `origin/main`. */
  ref: string;
  /** Migration folders the merge base already had: neither side's news. */
  atMergeBase: ReadonlySet<string>;
  /** Migrations the base added since the merge base, in name order, with their SQL as the base has it. */
  added: Array<{ name: string; script: string }>;
}

/**
 * The base side of `check --ci --base <ref>`, read from git (`git merge-base HEAD <ref>`). Throws a config
 * error, before anything else runs, when there is no repository, no such ref, or no common history.
 */
export async function readBaseBranch(projectRoot: string, migrationsDir: string, ref: string): Promise<BaseBranch> {
  if ((await git(projectRoot, ['rev-parse', '--git-dir'])) === null) {
    throw new MigrateError('config', `--base ${ref} compares git branches, and ${projectRoot} is not in a git repository.`);
  }
  const base = (await git(projectRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))?.trim();
  if (!base) {
    throw new MigrateError('config', `--base ${ref}: no such branch or commit in this repository. In CI, fetch it first (actions/checkout with fetch-depth: 0; git fetch origin <branch>).`);
  }
  const mergeBase = (await git(projectRoot, ['merge-base', await branchTip(projectRoot, base), base]))?.trim();
  if (!mergeBase) {
    throw new MigrateError('config', `This branch and ${ref} have no common history here: in a shallow clone, fetch the whole history (actions/checkout with fetch-depth: 0; GIT_DEPTH: 0 on GitLab).`);
  }
  const relative = path.relative(projectRoot, migrationsDir);
  const atMergeBase = new Set(await migrationFoldersAt(projectRoot, mergeBase, relative));
  const added: BaseBranch['added'] = [];
  for (const name of ((await migrationFoldersAt(projectRoot, base, relative)) ?? []).filter((n) => !atMergeBase.has(n)).sort(compareMigrationNames)) {
    // `./` makes the path relative to where git runs, as ls-tree's are.
    const script = await git(projectRoot, ['show', `${base}:./${path.posix.join(relative.split(path.sep).join('/'), name, MIGRATION_FILE)}`]);
    if (script !== null) added.push({ name, script });
  }
  return { ref, atMergeBase, added };
}

/**
 * HEAD, or the branch a merge commit brings into the base: CI checks a pull request out as its merge into
 * the target (first parent on the target's history), and the branch's own side is then the second parent.
 */
async function branchTip(cwd: string, base: string): Promise<string> {
  const [, first, second, ...more] = (await git(cwd, ['rev-list', '--parents', '-n', '1', 'HEAD']))?.trim().split(' ') ?? [];
  const mergesIntoBase = second !== undefined && more.length === 0 && (await git(cwd, ['merge-base', '--is-ancestor', first, base])) !== null;
  return mergesIntoBase ? second : 'HEAD';
}
