import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ReplayCacheOptions } from '../db/replayCache';
import type { EngineDatabase } from '../db/target';
import { errorMessage, MigrateError } from '../errors';
import { assertLockfileUsable, type MigrationsFolder } from '../migrations/folder';
import { historyPrefix, replayedHistory } from '../operations/historyStates';
import type { PrismaProject } from '../types';
import { type MigrationTest, type MigrationTestStep, parseMigrationTests } from './migrationTestFile';
import { findMigrationTestFiles } from './testFiles';
import { type MigrationTestFailure, runTestSteps, type StepTrace } from './testSteps';

/** A test as it is selected and reported: `name` is a file's relative path for a problem of the file. */
export interface MigrationTestRef {
  migration: string;
  file: string;
  name: string;
  line: number;
}

export interface MigrationTestResult extends MigrationTestRef {
  status: 'passed' | 'failed';
  durationMs: number;
  failure?: MigrationTestFailure;
}

export interface MigrationTestOptions {
  /** Runs only what it matches in `<migration> › <test name>`. */
  filter?: RegExp;
  /** Runs only these test files (absolute, or relative to the working folder). */
  files?: readonly string[];
  /** A PostgreSQL server's database that offers `scratch()`: each test runs in a temporary database there. */
  server?: EngineDatabase;
  cache?: ReplayCacheOptions;
  /** Checked before each test: once aborted, the results so far are returned. */
  signal?: AbortSignal;
  onStart?(test: MigrationTestRef): void;
  onResult?(result: MigrationTestResult): void;
  /** Receives a line per step of each test as it ends (see StepTrace): for `test --verbose` and the editor's Debug run. */
  trace?(test: MigrationTestRef, line: string): void;
}

/** The providers whose scratch databases the tests can run on (the schema engine's). */
export const TESTED_PROVIDERS: ReadonlySet<string> = new Set(['sqlite', 'postgresql']);

/**
 * Runs the tests beside the migrations (see migrationTestFile.ts), one after another: each on a scratch
 * database of its own that holds the history before its migration (through the replay cache, or on
 * `server`), disposed afterwards. The project's databases are never opened. A problem of a file is a
 * failed result; a history that does not replay fails the tests that need it, with the replay's error.
 */
export async function runMigrationTests(project: PrismaProject, folder: MigrationsFolder, options: MigrationTestOptions = {}): Promise<MigrationTestResult[]> {
  if (!TESTED_PROVIDERS.has(project.provider)) {
    throw new MigrateError('unsupported', `Migration tests run on SQLite and PostgreSQL only: they need Prisma's schema engine, which this build cannot run for ${project.provider}.`);
  }
  assertLockfileUsable(folder, project.provider);
  const only = options.files && new Set(options.files.map((file) => path.resolve(file)));
  const selected = (ref: MigrationTestRef) => !options.filter || `${ref.migration} › ${ref.name}`.search(options.filter) !== -1;
  const replayFailures = new Map<string, string>();
  const results: MigrationTestResult[] = [];
  const report = (result: MigrationTestResult) => {
    results.push(result);
    options.onResult?.(result);
  };

  for (const { migration, file } of findMigrationTestFiles(folder)) {
    if (only && !only.has(path.resolve(file))) continue;
    const parsed = parseMigrationTests(readFileSync(file, 'utf8'), file);
    for (const problem of parsed.problems) {
      const ref = { migration, file, name: path.relative(project.root, file), line: problem.line };
      if (selected(ref)) report({ ...ref, status: 'failed', durationMs: 0, failure: problem });
    }
    const index = folder.migrations.findIndex((m) => m.name === migration);
    for (const test of parsed.tests) {
      const ref = { migration, file, name: test.name, line: test.line };
      if (!selected(ref)) continue;
      if (options.signal?.aborted) return results;
      options.onStart?.(ref);
      const started = performance.now();
      const failure = await runTest(project, folder, index, test, options, replayFailures, options.trace && ((line) => options.trace!(ref, line)));
      report({ ...ref, status: failure ? 'failed' : 'passed', durationMs: Math.round(performance.now() - started), ...(failure && { failure }) });
    }
  }
  return results;
}

/**
 * One test on its own scratch database. Replay failures are remembered by the history and how far the test
 * migrates (its extensions): the other tests that need the same would fail the same way.
 */
async function runTest(
  project: PrismaProject,
  folder: MigrationsFolder,
  index: number,
  test: MigrationTest,
  options: MigrationTestOptions,
  replayFailures: Map<string, string>,
  trace: StepTrace | undefined,
): Promise<MigrationTestFailure | undefined> {
  const plan = migrationTargets(test, folder, index);
  if ('message' in plan) return plan;
  const key = `${index}\0${plan.reach}`;
  const remembered = replayFailures.get(key);
  if (remembered !== undefined) return { message: remembered, line: test.line };
  let engine;
  try {
    ({ engine } = await replayedHistory(project, historyPrefix(folder, index), 'Migration tests', options.cache, options.server, historyPrefix(folder, plan.reach)));
  } catch (error) {
    replayFailures.set(key, errorMessage(error));
    return { message: errorMessage(error), line: test.line };
  }
  try {
    return await runTestSteps(engine, test.steps, plan.targets, trace);
  } finally {
    await engine.dispose().catch(() => undefined);
  }
}

/**
 * The history each `-- migrate` of a test applies, and the longest; or why one cannot run: a target not in
 * the history, before the tested migration, or before where the test's database already is.
 */
function migrationTargets(
  test: MigrationTest,
  folder: MigrationsFolder,
  index: number,
): { targets: Map<MigrationTestStep, MigrationsFolder>; reach: number } | MigrationTestFailure {
  const tested = folder.migrations[index]!.name;
  const targets = new Map<MigrationTestStep, MigrationsFolder>();
  let position = index;
  for (const step of test.steps) {
    if (step.kind !== 'migrate') continue;
    const count = step.to === undefined ? index + 1 : folder.migrations.findIndex((m) => m.name === step.to) + 1;
    if (count === 0) return { message: `-- migrate: ${step.to}: there is no migration ${step.to} in ${folder.dir}.`, line: step.line };
    if (count <= index) return { message: `-- migrate: ${step.to}: it comes before ${tested}, the migration this test is about: migrate to it or a later one.`, line: step.line };
    if (count < position) {
      return { message: `-- migrate: ${step.to}: the test's database is already at ${folder.migrations[position - 1]!.name}, after it.`, line: step.line };
    }
    targets.set(step, historyPrefix(folder, count));
    position = count;
  }
  return { targets, reach: position };
}
