import path from 'node:path';
import type { EngineDatabase } from '../db/target';
import type { BaseBranch } from '../git/baseBranch';
import { lockfileMismatch, type MigrationsFolder } from '../migrations/folder';
import { type MigrationTestResult, runMigrationTests, TESTED_PROVIDERS } from '../migrationTests/runMigrationTests';
import { findMigrationTestFiles } from '../migrationTests/testFiles';
import type { MigrationStatus, PrismaProject } from '../types';
import { branchMigrations } from './conflicts';
import type { Finding } from './findings';

/**
 * The migrations whose tests the CI gate runs: the ones a deploy would apply. With a target's statuses,
 * those it has not applied (pending or rolled back); without, with a base branch, the ones this branch
 * adds; with neither, all of them, as a new database applies them all.
 */
export function migrationsToTest(folder: MigrationsFolder, statuses: readonly MigrationStatus[] | null, base: BaseBranch | null): Set<string> {
  if (statuses) return new Set(statuses.filter((s) => s.status === 'pending' || s.status === 'rolledBack').map((s) => s.name));
  if (base) return new Set(branchMigrations(folder, base).map((m) => m.name));
  return new Set(folder.migrations.map((m) => m.name));
}

/**
 * The tests (`*.test.sql`, see migrationTestFile.ts) of `migrations`, each on its scratch database (on
 * `server`, a PostgreSQL server's database that offers temporary ones, else embedded): a failing test is
 * an error at its file and line. Passing tests add nothing. A provider the tests cannot run on is said
 * (as information) when there are tests, so a green build never hides tests that did not run.
 */
export async function migrationTestFindings(project: PrismaProject, folder: MigrationsFolder, migrations: ReadonlySet<string>, server?: EngineDatabase): Promise<Finding[]> {
  const files = findMigrationTestFiles(folder).filter((ref) => migrations.has(ref.migration));
  if (files.length === 0) return [];
  if (!TESTED_PROVIDERS.has(project.provider)) {
    const [first] = files;
    return [
      {
        rule: 'migration-tests-not-run',
        severity: 'info',
        message: `${files.length} migration test file${files.length === 1 ? '' : 's'} did not run: migration tests need Prisma's schema engine, which this build cannot run for ${project.provider}.`,
        file: first!.file,
        line: 1,
        column: 1,
      },
    ];
  }
  // The lockfile's provider is wrong: lockfile-provider-mismatch says so, and nothing replays.
  if (lockfileMismatch(folder.lockfile, project.provider)) return [];
  const results = await runMigrationTests(project, folder, { files: files.map((ref) => ref.file), server });
  return results.flatMap((result) =>
    result.failure ? [{ rule: 'migration-test-failed', severity: 'error' as const, message: failureMessage(project, result), file: result.file, line: result.failure.line, column: 1 }] : [],
  );
}

/** The test and why it failed in one line: the database's words, then what was expected and what came. */
function failureMessage(project: PrismaProject, result: MigrationTestResult): string {
  const failure = result.failure!;
  // A problem of the file itself is reported under the file's relative path instead of a test's name.
  const head =
    result.name === path.relative(project.root, result.file)
      ? `The migration test file of ${result.migration} cannot run: ${failure.message}`
      : `Migration test "${result.name}" of ${result.migration} failed: ${failure.message}`;
  if (failure.expected !== undefined) return `${head} Expected ${brief(failure.expected)}, got ${brief(failure.actual ?? '')}.`;
  if (failure.actual !== undefined) return `${head} Got ${brief(failure.actual)}.`;
  return head;
}

/** Rows on one line, cut to a length a CI annotation shows whole; the test's output has them all. */
function brief(text: string): string {
  const line = text.split('\n').join(' | ');
  return `"${line.length > 120 ? `${line.slice(0, 119)}…` : line}"`;
}
