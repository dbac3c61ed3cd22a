import { lintMigrationSql } from '../lint/sqlLint';
import type { MigrationsFolder } from '../migrations/folder';
import { withSchemaFiles } from '../project/discover';
import { SchemaChangeAnalyser, type SchemaFinding } from '../schemaChanges/analyser';
import { type MigratedSchema, migratedSchema } from '../schemaChanges/migratedSchema';
import type { PrismaProject } from '../types';
import { cachedHistoryResult, historyPrefix, historySource, positionOf, replayedHistory, scratchEngine } from './historyStates';

/** What undoing one migration takes: its SQL, and what that SQL destroys. */
export interface DownScript {
  migration: string;
  /** SQL from the state after the migration to the state before it; empty when the migration changed no schema. */
  script: string;
  /** What running it loses, in words ("drops the table `Post`"), with the tables and columns it is about. */
  losses: DownLoss[];
}

export interface DownLoss {
  /** `requiresColumn`: a column comes back required, which fails on a table with rows. */
  kind: 'dropsTable' | 'dropsColumn' | 'changesType' | 'removesEnumValues' | 'requiresColumn';
  description: string;
  table: string;
  column?: string;
}

export type Verification = { roundTrips: true } | { roundTrips: false; differences: string };

/** The history up to a migration, and up to the one before it (nothing before the first). */
function prefixes(folder: MigrationsFolder, name: string): { upTo: MigrationsFolder; before: MigrationsFolder } {
  const index = positionOf(folder, name);
  return { upTo: historyPrefix(folder, index + 1), before: historyPrefix(folder, index) };
}

/**
 * The down script of a migration (Prisma has no down migrations): the engine's diff from the history up to
 * it to the history before it, each replayed on a scratch database. The user's databases are not touched.
 */
export function downScript(project: PrismaProject, folder: MigrationsFolder, name: string): Promise<DownScript> {
  const { upTo, before } = prefixes(folder, name);
  return cachedHistoryResult('downScript', project, upTo, [name], () => computeDownScript(project, upTo, before, name));
}

async function computeDownScript(project: PrismaProject, upTo: MigrationsFolder, before: MigrationsFolder, name: string): Promise<DownScript> {
  // Refuses providers without the engine here, naming the feature; its scratch database opens on first use.
  const engine = scratchEngine(project, upTo, 'Down scripts');
  let analyser: SchemaChangeAnalyser | undefined;
  try {
    // The history before the migration is replayed first: the one up to it then restores that state and
    // applies one migration, and the diff starts both of its shadow databases from the two cached states.
    const previous = await migratedSchema(project, before);
    analyser = await SchemaChangeAnalyser.replay(project, upTo);
    const diff = await engine.diff(historySource(upTo), historySource(before), { script: true });
    const script = diff.hasChanges ? `${diff.output}\n` : '';
    return { migration: name, script, losses: script ? await lossesOf(project, analyser, previous, script) : [] };
  } finally {
    await Promise.all([engine.dispose(), analyser?.dispose()]);
  }
}

/** What going from one replayed state (the analyser's) to the other (`previous`) destroys, by the schema analysis' own rules. */
async function lossesOf(project: PrismaProject, analyser: SchemaChangeAnalyser, previous: MigratedSchema, script: string): Promise<DownLoss[]> {
  const files = previous.files.length > 0 ? previous.files : [{ path: project.schemaPath, content: `datasource db {\n  provider = "${previous.provider}"\n}\n` }];
  const { findings } = await analyser.analyse(withSchemaFiles(project, files));
  const losses = findings.flatMap(describeLoss);
  // Tables no model describes (implicit many-to-many relation tables) are dropped too: the script says so.
  for (const { subject } of lintMigrationSql(script, project.provider === 'sqlite' ? 'sqlite' : 'postgresql')) {
    if (subject && !subject.columns && !losses.some((l) => l.table === subject.table)) {
      losses.push({ kind: 'dropsTable', description: `drops the table \`${subject.table}\` and its rows`, table: subject.table });
    }
  }
  return losses;
}

function describeLoss(finding: SchemaFinding): DownLoss[] {
  const { table, columns } = finding.subject;
  const column = columns[0];
  switch (finding.rule) {
    case 'dropped-table':
      return [{ kind: 'dropsTable', description: `drops the table \`${table}\` and its rows`, table }];
    case 'dropped-column':
    case 'probable-rename':
      return column === undefined
        ? [{ kind: 'dropsTable', description: `drops the table \`${table}\` and its rows`, table }]
        : [{ kind: 'dropsColumn', description: `drops the column \`${table}.${column}\` and its values`, table, column }];
    case 'type-change':
    case 'scalar-to-list':
      return [{ kind: 'changesType', description: `changes the type of \`${table}.${column}\` (values may not convert)`, table, column }];
    case 'dropped-enum-value':
      return [{ kind: 'removesEnumValues', description: `removes values from the enum \`${table}\``, table }];
    case 'optional-to-required-with-nulls':
      return [{ kind: 'requiresColumn', description: `makes \`${table}.${column}\` required again (fails on NULLs)`, table, column }];
    case 'required-column-without-default':
    case 'required-column-prisma-default':
      return [{ kind: 'requiresColumn', description: `adds \`${table}.${column}\` back as a required column without default (fails if \`${table}\` has rows)`, table }];
    default:
      return [];
  }
}

/** The script as a file: what it undoes and drops as comments, then the SQL (down.sql, the CLI, the editor). */
export function downScriptText(down: DownScript, verification?: Verification): string {
  const header = [`-- Down script of ${down.migration}: takes the database back to the state before it.`, ...down.losses.map((l) => `-- Warning: ${l.description}.`)];
  if (verification) {
    header.push(verification.roundTrips ? '-- Verified on a scratch database: it takes the history back exactly.' : `-- NOT verified: on a scratch database it leaves a difference:\n${verification.differences.replace(/^/gm, '--   ')}`);
  }
  return `${header.join('\n')}\n${down.script ? `\n${down.script}` : '-- The migration changed no schema: nothing to undo.\n'}`;
}

/**
 * Checks a down script on a scratch database: applies the history up to the migration, runs the script,
 * and compares what is left with the history before the migration.
 */
export function verifyDownScript(project: PrismaProject, folder: MigrationsFolder, down: DownScript): Promise<Verification> {
  const { upTo, before } = prefixes(folder, down.migration);
  return cachedHistoryResult('downVerification', project, upTo, [down.script], () => computeVerification(project, upTo, before, down));
}

async function computeVerification(project: PrismaProject, upTo: MigrationsFolder, before: MigrationsFolder, down: DownScript): Promise<Verification> {
  const { engine } = await replayedHistory(project, upTo, 'Down scripts');
  try {
    if (down.script) await engine.execute(down.script);
    const left = await engine.diff(historySource(before), { kind: 'database' }, { script: false });
    // The bookkeeping table is the engine's, not part of either state.
    const differences = left.output.split('\n').filter((line) => !/_prisma_migrations/.test(line)).join('\n').trim();
    return left.hasChanges && differences ? { roundTrips: false, differences } : { roundTrips: true };
  } finally {
    await engine.dispose();
  }
}
