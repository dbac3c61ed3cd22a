import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ciGate, failsGate } from '../core/check/ciGate';
import { type Finding, READY_TO_DEPLOY } from '../core/check/findings';
import { unappliedConflicts } from '../core/check/conflicts';
import { historyIntegrity } from '../core/check/integrity';
import { verifyDeployment } from '../core/check/targetDatabase';
import { checkSchema } from '../core/check/schemaCheck';
import { lintPendingMigrations } from '../core/check/pendingSql';
import { createMissingDatabase, effectiveUrl, openProjectDatabase, type ProjectDatabase, warningsFor } from '../core/connect';
import type { HistoryBackend } from '../core/engine/backend';
import type { DiffSource, MigrationEngine } from '../core/engine/migrationEngine';
import { errorDetail, errorMessage, MigrateError } from '../core/errors';
import { type BaseBranch, readBaseBranch } from '../core/git/baseBranch';
import { compareDatabaseObjects, objectFindings } from '../core/objects/databaseObjects';
import { createMigration, migrationNameNote } from '../core/operations/create';
import { regenerateMigration } from '../core/operations/retimestamp';
import { baseline, planInit, writeInit } from '../core/operations/init';
import { pullSchema } from '../core/operations/pull';
import { downScript, downScriptText, verifyDownScript } from '../core/operations/down';
import { downFilePath, downFileState, writeDownFile } from '../core/operations/downFile';
import { describeLosses, executeRollback, planRollback } from '../core/operations/rollback';
import { describeCarried } from '../core/operations/carriedStatements';
import { planSquash, recordSquash, squashDatabaseState, squashGuidance, writeSquash } from '../core/operations/squash';
import { isUpToDate, readStatus } from '../core/operations/status';
import { readMigrationsFolder } from '../core/migrations/folder';
import { runMigrationTests } from '../core/migrationTests/runMigrationTests';
import { NO_ROW_CHANGES } from '../core/migrationTests/dataChanges';
import { migrationTestScaffold, SCAFFOLD_FILE } from '../core/migrationTests/scaffold';
import { formatTestResult, formatTestResults, testSummary, type TestResultFormat } from '../core/migrationTests/testResultFormats';
import type { EngineDatabase } from '../core/db/target';
import { migrationStatuses } from '../core/migrations/history';
import { discoverProject } from '../core/project/discover';
import { historyToApply } from '../core/project/migrationsLocation';
import type { PrismaProject, ResolvedUrl } from '../core/types';
import { DEFAULT_MAX_COPY_BYTES } from '../core/rehearsal/databaseCopy';
import { rehearseOnCopy } from '../core/rehearsal/rehearseOnCopy';
import { formatRehearsal, type RehearsalFormat } from '../core/rehearsal/rehearsalText';
import { sizeInBytes } from '../core/text/byteSize';
import { type FindingFormat, formatFindings } from '../core/check/findingFormats';
import { type Command, ERROR_EXIT, type SourceName, testFilter, validateArguments, type Values } from './arguments';
import { allowedHosts, destructiveUse, requireDevHost } from './hostGuard';
import { formatStatus } from '../core/operations/statusText';
import { type Output, statusJson } from './output';

interface OfflineContext {
  project: PrismaProject;
  values: Values;
  output: Output;
  cwd: string;
  /** `check --ci --base`: the base branch, read before anything else runs. */
  base?: BaseBranch;
}

interface Context extends OfflineContext {
  db: ProjectDatabase;
}

/**
 * Runs a parsed command: finds the project, opens its database and runs the command on it. Loaded by
 * main.ts only once a command is to run, so that `--help` and argument mistakes load none of the core.
 */
export async function runCommand(command: Command, values: Values, output: Output, cwd: string): Promise<number> {
  const errorExit = command === 'diff' && values['exit-code'] ? 1 : ERROR_EXIT;
  let db: ProjectDatabase | undefined;
  try {
    const project = await discoverProject({
      cwd,
      schema: values.schema ? path.resolve(cwd, String(values.schema)) : undefined,
      config: values.config ? path.resolve(cwd, String(values.config)) : undefined,
      trusted: true,
      configOutput: (text) => output.err(text),
    });
    const url = values.url === undefined ? undefined : { url: String(values.url), source: 'flag' as const };
    for (const warning of warningsFor(project, url)) output.err(`warning: ${warning}`);
    validateArguments(command, values);
    // The migrations folder is all `down` reads: no database is opened (or created) for it.
    if (command === 'down') return await down({ project, values, output, cwd });
    // Rehearsal copies the database and works on the copy: the original is never opened for writing.
    if (command === 'rehearse') return await rehearse({ project, values, output, cwd }, url);
    // A bad --base stops the gate before anything runs, the target database included.
    const base = values.base === undefined ? undefined : await readBaseBranch(project.root, project.migrationsDir, String(values.base));
    // In CI without a target there is no database to open, and none must be created.
    if (command === 'check' && values.ci && values.url === undefined) return await gate({ project, values, output, cwd, base }, null);
    // Tests run on scratch databases: only a PostgreSQL server's URL gives them a place (temporary databases
    // there), so no other database is opened, nor created.
    if (command === 'test' && (values.url === undefined || project.provider !== 'postgresql')) return await migrationTests({ project, values, output, cwd }, undefined);
    const options = {
      url,
      log: values.verbose ? (line: string) => output.err(line) : undefined,
      // Verifying a deploy must not create the database it verifies, nor pulling one it reads.
      mustExist: command === 'verify' || command === 'pull',
      readOnly: ONLY_READ.has(command),
    };
    const destroys = destructiveUse(command, values);
    if (destroys) requireDevHost(destroys, effectiveUrl(project, options.url).url, hostsAllowed(values));
    db = await openProjectDatabase(project, options).catch(async (error: unknown) => {
      // Like `prisma migrate deploy` / `dev`: the commands that build the database create it first.
      if (!(error instanceof MigrateError) || error.kind !== 'missingDatabase' || !CREATES_DATABASE.has(command)) throw error;
      await createMissingDatabase(project, options.url);
      output.err(`Created database ${error.details?.databaseName ?? ''}.`);
      return openProjectDatabase(project, options);
    });
    return await COMMANDS[command]({ project, db, values, output, cwd, base });
  } catch (error) {
    output.err(`Error: ${errorMessage(error)}`);
    if (values.verbose) output.err(errorDetail(error));
    // A refusal is a verdict on the change (like check's findings), not a failure to run.
    return error instanceof MigrateError && error.kind === 'refused' ? 1 : errorExit;
  } finally {
    await db?.backend.dispose().catch(() => undefined);
  }
}

const CREATES_DATABASE = new Set<Command>(['apply', 'create', 'reset']);

/** Commands that only read the database: they open it so that it refuses writes (see ConnectOptions.readOnly). */
const ONLY_READ = new Set<Command>(['status', 'diff', 'check', 'verify', 'pull', 'test']);

const hostsAllowed = (values: Values) => allowedHosts((values['allow-host'] as string[] | undefined) ?? []);

function requireEngine(ctx: Context, what: string): MigrationEngine {
  if (ctx.db.engine) return ctx.db.engine;
  throw new MigrateError(
    'unsupported',
    `${what} needs Prisma's schema engine, which this build cannot run for ${ctx.project.provider}; status, apply, resolve and reset work.`,
  );
}

const failOn = (ctx: OfflineContext) => (ctx.values['fail-on'] === 'error' ? 'error' : 'warning');

/** Findings in the format asked for (text: one line each, `file:line:column severity [rule] message`). */
function printFindings(ctx: OfflineContext, findings: readonly Finding[], whenNone: string): void {
  const format = ctx.values.json ? 'json' : ((ctx.values.format as FindingFormat | undefined) ?? 'text');
  if (format === 'text' && findings.length === 0) {
    ctx.output.out(whenNone);
    return;
  }
  const formatted = formatFindings(findings, format, ctx.cwd);
  if (formatted) ctx.output.out(formatted);
}

/** `check --ci`: the pipeline's gate, against the target database given with --url, or none. */
async function gate(ctx: OfflineContext, target: HistoryBackend | null): Promise<number> {
  const findings = await ciGate(ctx.project, readMigrationsFolder(ctx.project.migrationsDir), target, ctx.base ?? null);
  printFindings(ctx, findings, READY_TO_DEPLOY);
  return failsGate(findings, failOn(ctx)) ? 1 : 0;
}

/** `test`: the migration tests, each on a scratch database (on `server` where given); in text, each result as it comes. */
async function migrationTests(ctx: OfflineContext, server: EngineDatabase | undefined): Promise<number> {
  const format = (ctx.values.format as TestResultFormat | undefined) ?? 'text';
  const results = await runMigrationTests(ctx.project, readMigrationsFolder(ctx.project.migrationsDir), {
    filter: ctx.values.run === undefined ? undefined : testFilter(String(ctx.values.run)),
    server,
    onResult: format === 'text' ? (result) => ctx.output.out(formatTestResult(result, ctx.cwd)) : undefined,
    // Each step as it ends, ahead of the test's result: what ran, how long, what came back.
    trace: ctx.values.verbose ? (test, line) => ctx.output.err(`  ${test.migration} › ${test.name}: ${line}`) : undefined,
  });
  const none = results.length > 0 ? undefined : ctx.values.run === undefined ? 'No migration tests found.' : `No migration tests match --run ${String(ctx.values.run)}.`;
  if (format === 'text') {
    ctx.output.out(none ?? testSummary(results));
  } else {
    ctx.output.out(formatTestResults(results, format, ctx.cwd));
    if (none) ctx.output.err(none);
  }
  return results.some((result) => result.status === 'failed') ? 1 : 0;
}

/**
 * `create --test`: a starter migration.test.sql beside the new migration when it changes rows, its rows
 * built from the tables the history before it leaves (replayed on a scratch database; on the project's
 * PostgreSQL server where it offers temporary databases).
 */
async function scaffoldTest(ctx: Context, name: string, dir: string): Promise<void> {
  const scaffold = await migrationTestScaffold(ctx.project, readMigrationsFolder(ctx.project.migrationsDir), name, { server: ctx.db.engine?.database });
  if (!scaffold) {
    ctx.output.out(`Nothing to scaffold: ${name} ${NO_ROW_CHANGES}. A test goes beside it as ${SCAFFOLD_FILE} (see prisma-migrations test --help).`);
    return;
  }
  const file = path.join(dir, SCAFFOLD_FILE);
  if (existsSync(file)) {
    ctx.output.err(`warning: ${path.relative(ctx.cwd, file)} exists already: not replaced.`);
    return;
  }
  writeFileSync(file, scaffold.text);
  if (scaffold.problem) ctx.output.err(`warning: the tables before ${name} could not be read, so the rows of its test are templates to write: ${scaffold.problem}`);
  ctx.output.out(`Wrote ${path.relative(ctx.cwd, file)}: a test of the rows ${name} changes. Make its rows look like yours, then run prisma-migrations test.`);
}

/** The down script of a migration: printed, or written as down.sql beside it; --verify replays it on a scratch database. */
async function down(ctx: OfflineContext): Promise<number> {
  const name = String(ctx.values.migration);
  const folder = readMigrationsFolder(ctx.project.migrationsDir);
  const script = await downScript(ctx.project, folder, name);
  const text = downScriptText(script);
  if (ctx.values.write) {
    const file = downFilePath(path.join(ctx.project.migrationsDir, name));
    const state = downFileState(file);
    if (state === 'edited' && !ctx.values.force) {
      throw new MigrateError('refused', `${path.relative(ctx.cwd, file)} was written or edited by hand: nothing was written. Add --force to replace it.`);
    }
    writeDownFile(file, text);
    ctx.output.err(`${state === 'absent' ? 'Wrote' : 'Replaced'} ${path.relative(ctx.cwd, file)}.`);
  } else {
    ctx.output.out(text.trimEnd());
  }
  if (!ctx.values.verify) return 0;
  const verification = await verifyDownScript(ctx.project, folder, script);
  if (verification.roundTrips) {
    ctx.output.err('Verified: applying the history up to it, then the down script, leaves the history before it.');
    return 0;
  }
  ctx.output.err(`The down script does not round-trip; what differs from the history before it:\n${verification.differences}`);
  return 1;
}

/** `rehearse`: the pending migrations applied to a copy of the database, timed and watched; the copy is dropped. */
async function rehearse(ctx: OfflineContext, url: ResolvedUrl | undefined): Promise<number> {
  const maxBytes = ctx.values['max-size'] === undefined ? DEFAULT_MAX_COPY_BYTES : (sizeInBytes(String(ctx.values['max-size'])) ?? DEFAULT_MAX_COPY_BYTES);
  const report = await rehearseOnCopy(ctx.project, effectiveUrl(ctx.project, url), {
    maxBytes,
    onMigrationStart: (name, index, total) => ctx.output.err(`Rehearsing ${name} (${index + 1} of ${total})…`),
  }).catch((error: unknown) => {
    throw error instanceof MigrateError && error.kind === 'refused' ? new MigrateError('refused', `${error.message} Raise the limit with --max-size (e.g. --max-size 5GB).`) : error;
  });
  ctx.output.out(formatRehearsal(report, (ctx.values.format as RehearsalFormat | undefined) ?? 'text'));
  return report.outcome === 'failed' ? 1 : 0;
}

const COMMANDS: Record<Exclude<Command, 'down' | 'rehearse'>, (ctx: Context) => Promise<number>> = {
  async status(ctx) {
    const folder = readMigrationsFolder(ctx.project.migrationsDir);
    const report = await readStatus(ctx.db.backend, folder, { drift: !ctx.values['no-drift'] });
    if (ctx.values.json) ctx.output.out(JSON.stringify(statusJson(report, ctx.db.label), null, 2));
    else ctx.output.out(formatStatus(report, ctx.db.label, { verbose: Boolean(ctx.values.verbose) }));
    for (const problem of folder.problems) ctx.output.err(`warning: ${problem.message}`);
    return isUpToDate(report) && folder.problems.length === 0 ? 0 : 1;
  },

  async diff(ctx) {
    const engine = requireEngine(ctx, 'diff');
    const source = (name: SourceName): DiffSource => {
      switch (name) {
        case 'empty':
          return { kind: 'empty' };
        case 'schema':
          return { kind: 'schema', files: ctx.project.engineSchemaFiles };
        case 'database':
          return { kind: 'database' };
        case 'migrations':
          return { kind: 'migrations', folder: readMigrationsFolder(ctx.project.migrationsDir) };
      }
    };
    const result = await engine.diff(source(ctx.values.from as SourceName), source(ctx.values.to as SourceName), {
      script: Boolean(ctx.values.script),
    });
    ctx.output.out(result.output || 'No difference detected.');
    return ctx.values['exit-code'] && result.hasChanges ? 2 : 0;
  },

  async create(ctx) {
    const engine = requireEngine(ctx, 'create');
    const name = String(ctx.values.name);
    const note = await migrationNameNote(name);
    if (note) ctx.output.out(`Name: ${note}`);
    const result = await createMigration(engine, ctx.project.migrationsDir, {
      name,
      draft: Boolean(ctx.values.draft),
      acceptDataLoss: Boolean(ctx.values['accept-data-loss']),
    });
    for (const w of [...result.plan.unexecutableSteps, ...result.plan.warnings]) ctx.output.err(`warning: ${w.message}`);
    if (!result.name) {
      ctx.output.out('Already in sync: the schema matches the migration history, no migration created.');
      return 0;
    }
    ctx.output.out(`${ctx.values.draft ? 'Created draft' : 'Created'} migration ${result.name} in ${path.relative(ctx.cwd, result.dir!) || result.dir}`);
    for (const name of result.applied) ctx.output.out(`Applied ${name}`);
    if (ctx.values.test) await scaffoldTest(ctx, result.name, result.dir!);
    return 0;
  },

  async apply(ctx) {
    const folder = historyToApply(ctx.project);
    const applied = await ctx.db.backend.applyPending(folder, { onWait: (message) => ctx.output.err(message) });
    ctx.output.out(applied.length === 0 ? 'No pending migrations.' : `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:\n${applied.map((n) => `  ${n}`).join('\n')}`);
    return 0;
  },

  async resolve(ctx) {
    const folder = readMigrationsFolder(ctx.project.migrationsDir);
    if (ctx.values.applied) {
      await ctx.db.backend.markApplied(folder, String(ctx.values.applied));
      ctx.output.out(`Migration ${ctx.values.applied} marked as applied.`);
    } else {
      await ctx.db.backend.markRolledBack(String(ctx.values['rolled-back']));
      ctx.output.out(`Migration ${ctx.values['rolled-back']} marked as rolled back.`);
    }
    return 0;
  },

  async reset(ctx) {
    // Read first: a history in the wrong place must stop the reset before any data is deleted.
    const folder = historyToApply(ctx.project);
    await ctx.db.backend.reset();
    const applied = await ctx.db.backend.applyPending(folder, { onWait: (message) => ctx.output.err(message) });
    ctx.output.out(`Database ${ctx.db.label} reset; applied ${applied.length} migration${applied.length === 1 ? '' : 's'}.`);
    return 0;
  },

  async check(ctx) {
    if (ctx.values.ci) return gate(ctx, ctx.db.backend);
    const engine = requireEngine(ctx, 'check');
    const folder = readMigrationsFolder(ctx.project.migrationsDir);
    const analysis = await checkSchema(ctx.project, folder, engine);
    const statuses = migrationStatuses(folder.migrations, (await engine.readMigrationRows()) ?? []);
    const objects = objectFindings(ctx.project, folder, await compareDatabaseObjects(ctx.project, folder, engine));
    const integrity = [...historyIntegrity(folder, statuses, ctx.project.provider), ...unappliedConflicts(folder, statuses)];
    const findings = [...analysis.findings, ...lintPendingMigrations(folder, statuses, ctx.project.provider), ...integrity, ...objects];
    printFindings(ctx, findings, analysis.script ? 'The next migration breaks nothing.' : 'The schema matches the migration history: nothing to check.');
    return failsGate(findings, failOn(ctx)) ? 1 : 0;
  },

  async rollback(ctx) {
    const engine = requireEngine(ctx, 'rollback');
    const plan = await planRollback(engine, ctx.project, readMigrationsFolder(ctx.project.migrationsDir));
    const losses = describeLosses(plan);
    ctx.output.out(`Rolling back ${plan.migration} on ${ctx.db.label} (its down script round-trips on a scratch database)${losses.length ? `; it ${losses.join('; ')}` : ''}.`);
    if (!ctx.values.force) {
      ctx.output.err('Nothing was changed: add --force to run the down script and mark the migration rolled back.');
      return 1;
    }
    await executeRollback(engine, plan);
    ctx.output.out(`Rolled back ${plan.migration}; it is pending again.`);
    return 0;
  },

  async squash(ctx) {
    const engine = requireEngine(ctx, 'squash');
    const folder = readMigrationsFolder(ctx.project.migrationsDir);
    // On the project's PostgreSQL server, its shadow databases replay the histories (its extensions, not PGlite's).
    const onServer = engine.provider === 'postgresql' && !ctx.db.url.url.startsWith('pglite:');
    const plan = await planSquash(ctx.project, folder, { from: ctx.values.from as string | undefined, to: String(ctx.values.to), name: String(ctx.values.name) }, onServer ? engine : undefined);
    const state = await squashDatabaseState(engine, folder, plan);
    if (state === 'partial') {
      throw new MigrateError('state', `${ctx.db.label} applied only some of ${plan.replaced[0]} … ${plan.replaced.at(-1)}: apply the rest (or roll them back) first, so it can follow the squash.`);
    }
    // Recording removes the replaced migrations' rows: refused on a server that may be production, before any file is written.
    if (state === 'all') requireDevHost('squash (it rewrites the migration history)', ctx.db.url.url, hostsAllowed(ctx.values));
    writeSquash(folder, plan);
    if (state === 'all') await recordSquash(engine, ctx.project.migrationsDir, plan);
    ctx.output.out(`Squashed ${plan.replaced.length} migrations into ${plan.migration}${state === 'all' ? `; ${ctx.db.label} records it as applied` : ''}.`);
    if (plan.carried.length > 0) ctx.output.out(`Carried ${describeCarried(plan.carried)}.`);
    ctx.output.err(squashGuidance(plan));
    return 0;
  },

  async verify(ctx) {
    const folder = readMigrationsFolder(ctx.project.migrationsDir);
    const findings = await verifyDeployment(ctx.project, folder, ctx.db.backend);
    const count = folder.migrations.length;
    printFindings(ctx, findings, `Verified: ${ctx.db.label} has all ${count} migration${count === 1 ? '' : 's'} applied as written, and no drift.`);
    return failsGate(findings, failOn(ctx)) ? 1 : 0;
  },

  async init(ctx) {
    const engine = requireEngine(ctx, 'init');
    const plan = await planInit(engine, ctx.project, ctx.values.name as string | undefined);
    if (ctx.values.baseline && plan.fit.kind === 'differs') {
      throw new MigrateError('refused', `${ctx.db.label} does not match the schema, so the first migration cannot be recorded as applied there. Nothing was written. What the database has that the migration does not build:\n${plan.fit.differences}`);
    }
    const dir = writeInit(ctx.project, plan, engine.provider);
    ctx.output.out(`Created the first migration ${plan.name} in ${path.relative(ctx.cwd, dir) || dir}.`);
    switch (plan.fit.kind) {
      case 'empty':
        ctx.output.out(`${ctx.db.label} is empty: apply it with prisma-migrations apply.`);
        break;
      case 'matches':
        if (ctx.values.baseline) {
          await baseline(engine, ctx.project, plan.name);
          ctx.output.out(`Baselined: ${ctx.db.label} already has exactly these tables; ${plan.name} is recorded as applied without running it.`);
        } else {
          ctx.output.out(`${ctx.db.label} already has exactly these tables: record it as applied with prisma-migrations resolve --applied ${plan.name} (or run init --baseline).`);
        }
        break;
      case 'differs':
        ctx.output.out(`${ctx.db.label} has tables that differ from the schema; ${plan.name} is not applied there. What differs:\n${plan.fit.differences}`);
        break;
    }
    return 0;
  },

  async pull(ctx) {
    const engine = requireEngine(ctx, 'pull');
    const result = await pullSchema(engine, ctx.project, { force: Boolean(ctx.values.force) });
    const files = result.files.map((f) => path.relative(ctx.cwd, f.path)).join(', ');
    ctx.output.out(`Pulled ${result.models} model${result.models === 1 ? '' : 's'} from ${ctx.db.label} into ${files}.`);
    if (readMigrationsFolder(ctx.project.migrationsDir).migrations.length === 0) {
      ctx.output.out('Next: prisma-migrations init --baseline creates the first migration and records it as applied on this database.');
    }
    return 0;
  },

  async test(ctx) {
    return migrationTests(ctx, ctx.db.engine?.database);
  },

  async regenerate(ctx) {
    const engine = requireEngine(ctx, 'regenerate');
    const name = String(ctx.values.migration);
    const result = await regenerateMigration(engine, readMigrationsFolder(ctx.project.migrationsDir), name, { write: Boolean(ctx.values.force) });
    const outcome = result.name ? `${name} is replaced by ${result.name}, generated from the schema after the last migration:` : `${name} is removed: the rest of the history already reaches the schema.`;
    ctx.output.out(result.name ? `${outcome}\n${result.script.trimEnd()}` : outcome);
    if (result.carried.length > 0) ctx.output.out(`Carried ${describeCarried(result.carried)}.`);
    if (!ctx.values.force) {
      ctx.output.err('Nothing was changed: add --force to replace it. Its current SQL, which --force replaces:');
      ctx.output.err(result.previous.trimEnd());
      return 1;
    }
    return 0;
  },

  async execute(ctx) {
    const engine = requireEngine(ctx, 'execute');
    const file = path.resolve(ctx.cwd, String(ctx.values.file));
    if (!existsSync(file)) throw new MigrateError('config', `No such file: ${file}`);
    await engine.execute(readFileSync(file, 'utf8'));
    ctx.output.out(`Executed ${path.basename(file)} on ${ctx.db.label}.`);
    return 0;
  },
};
