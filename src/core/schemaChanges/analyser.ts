import type { Finding } from '../check/findings';
import type { DiffSource, MigrationEngine } from '../engine/migrationEngine';
import type { MigrationsFolder } from '../migrations/folder';
import type { ReplayCacheOptions } from '../db/replayCache';
import type { EngineDatabase } from '../db/target';
import { replayedHistory } from '../operations/historyStates';
import { datasourceLocation } from '../project/datasource';
import { type Datamodel, readDatamodel } from '../schema/datamodel';
import { DatamodelCache } from '../schema/datamodelCache';
import { findDeclaration, indexDeclarations, type Declaration } from '../schema/declarations';
import { SchemaLines } from '../schema/schemaLines';
import type { PrismaProject, SchemaFile, SchemaPosition } from '../types';
import { type Anchor, classifyChanges } from './classify';
import { fixEdits, type FixEdit } from './edits';
import { type Catalog, readCatalog } from './catalog';
import { isEmptyIntrospection } from './migratedSchema';
import { migrationSteps } from './migrationSteps';

/** A finding on the schema with what the editor needs besides: its extent, its SQL and its quick fixes. */
export interface SchemaFinding extends Finding {
  end: { line: number; column: number };
  /** The table and the columns it is about, as the database names them; the columns of a unique constraint it adds. */
  subject: { table: string; columns: string[]; uniqueColumns?: string[] };
  sql: string;
  fixes: FixEdit[];
}

export interface SchemaAnalysis {
  /** The SQL of the next migration, as the engine generates it; empty when the schema matches the history. */
  script: string;
  findings: SchemaFinding[];
}

/** What explains the engine's steps: the replayed history's catalog, and its datamodel (see `introspectedCopy`). */
interface Explanation {
  catalog: Catalog;
  /** Null when the introspected copy of the history is not a valid schema: the findings then come from the steps alone. */
  beforeModel: Datamodel | null;
}

/**
 * The breaking changes of the next migration, for one migration history: the history is replayed once into
 * a scratch database, which stays open; each text of the schema is then diffed against it by the engine,
 * exactly as `migrate diff --from-migrations` would. The datamodel introspected from the replay explains the
 * engine's steps (renames, quick fixes) where it is a valid schema. Build a new one when the migrations
 * folder changes.
 */
export class SchemaChangeAnalyser {
  private readonly datamodels = new DatamodelCache();
  private explained: Promise<Explanation> | undefined;

  private constructor(
    private readonly engine: MigrationEngine,
    /** Read on first need: a schema that matches the history needs no explanation (a check in CI, mostly). */
    private readonly explain: () => Promise<Explanation>,
    /** The diff side that stands for the history (see `historySide`). */
    private readonly history: DiffSource | null,
  ) {}

  /**
   * `asYouType`: the editor's analyser, diffed on every pause in typing, may diff from the introspected copy
   * where it stands for the database (see `historySide`); a one-off check always diffs from the database.
   * The replay goes through the replay cache, or runs on `server` (see `replayedHistory`).
   */
  static async replay(
    project: PrismaProject,
    folder: MigrationsFolder,
    use: 'once' | 'asYouType' = 'once',
    cache: ReplayCacheOptions = {},
    server?: EngineDatabase,
  ): Promise<SchemaChangeAnalyser> {
    const { engine } = await replayedHistory(project, folder, 'Schema comparisons', cache, server);
    try {
      if (folder.migrations.length === 0) {
        return new SchemaChangeAnalyser(engine, async () => ({ catalog: await readCatalog(engine), beforeModel: { models: [], enums: [] } }), { kind: 'empty' });
      }
      if (use === 'once') {
        return new SchemaChangeAnalyser(engine, async () => ({ catalog: await readCatalog(engine), beforeModel: (await introspectedCopy(engine))?.datamodel ?? null }), null);
      }
      const catalog = await readCatalog(engine);
      const copy = await introspectedCopy(engine);
      const side = copy ? await historySide(engine, copy.files, project.engineSchemaFiles) : null;
      return new SchemaChangeAnalyser(engine, async () => ({ catalog, beforeModel: copy?.datamodel ?? null }), side);
    } catch (error) {
      await engine.dispose();
      throw error;
    }
  }

  /** The findings for the project's schema files as given (unsaved text included). Throws a 'schema' error on invalid text. */
  async analyse(project: PrismaProject): Promise<SchemaAnalysis> {
    const files = project.engineSchemaFiles;
    // The engine judges the text first: an invalid schema throws here, before anything else reads it.
    const diff = await this.engine.diff(this.history ?? { kind: 'database', files }, { kind: 'schema', files }, { script: true });
    if (!diff.hasChanges) return { script: '', findings: [] };
    const { catalog, beforeModel } = await this.explanation();
    const after = this.datamodels.read(files);
    const declarations = indexDeclarations(project.schemaFiles);
    const lines = new SchemaLines(project.schemaFiles);
    const steps = migrationSteps(diff.output, catalog);
    const findings = classifyChanges(beforeModel, after, steps, catalog).map((change) => {
      const range = rangeOf(change.anchor, project, declarations, lines);
      return {
        rule: change.rule,
        severity: change.severity,
        message: change.message,
        ...range,
        subject: { table: change.table, columns: change.columns, ...(change.uniqueColumns && { uniqueColumns: change.uniqueColumns }) },
        sql: change.sql,
        fixes: change.fixes.flatMap((fix) => fixEdits(fix, lines, declarations) ?? []),
      } satisfies SchemaFinding;
    });
    return { script: diff.output, findings };
  }

  /** The replayed history's datamodel: null when its introspected copy is not a valid schema. */
  async historyModel(): Promise<Datamodel | null> {
    return (await this.explanation()).beforeModel;
  }

  private explanation(): Promise<Explanation> {
    this.explained ??= this.explain();
    return this.explained;
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}

/**
 * The replayed history as a schema and its datamodel. Introspection may render what the history left as a
 * schema Prisma rejects (a one-to-one relation without a unique on its side, say): then there is none, and
 * the analysis reads the engine's steps alone, as it does when introspection itself fails.
 */
async function introspectedCopy(engine: MigrationEngine): Promise<{ files: SchemaFile[]; datamodel: Datamodel } | null> {
  try {
    const files = await engine.introspect();
    return { files, datamodel: readDatamodel(files) };
  } catch (error) {
    return isEmptyIntrospection(error) ? { files: [], datamodel: { models: [], enums: [] } } : null;
  }
}

/**
 * Describing the database costs the engine a catalog read per diff (a second on a 100-table history, too
 * slow while typing); diffing from the introspected copy costs milliseconds. The copy stands for the
 * database only where the engine finds no difference between the two, either way, and both give the same
 * next migration for the schema as it is now: a partial index the copy renders without its predicate can
 * pass the first test and not the second (a real project's did). Otherwise each diff describes the database.
 */
async function historySide(engine: MigrationEngine, files: readonly SchemaFile[], schema: readonly SchemaFile[]): Promise<DiffSource | null> {
  if (files.length === 0) return { kind: 'empty' };
  const copy: DiffSource = { kind: 'schema', files };
  const database: DiffSource = { kind: 'database', files: schema };
  const current: DiffSource = { kind: 'schema', files: schema };
  if ((await engine.diff(database, copy, { script: false })).hasChanges || (await engine.diff(copy, database, { script: false })).hasChanges) return null;
  const [fromCopy, fromDatabase] = [await engine.diff(copy, current, { script: true }), await engine.diff(database, current, { script: true })];
  return fromCopy.output === fromDatabase.output ? copy : null;
}

/** The declaration's name to the end of its line (a field), or its header line (a block). */
function rangeOf(anchor: Anchor, project: PrismaProject, declarations: readonly Declaration[], lines: SchemaLines): Pick<SchemaFinding, 'file' | 'line' | 'column' | 'end'> {
  const block =
    anchor.kind === 'enum' ? findDeclaration(declarations, 'enum', anchor.name) : anchor.kind === 'datasource' ? undefined : findDeclaration(declarations, 'model', anchor.model);
  const position: SchemaPosition =
    (anchor.kind === 'field' ? block?.members.get(anchor.field) : undefined) ??
    block?.position ??
    datasourceLocation(project);
  const code = lines.at(position.file, position.line)?.code ?? '';
  return { ...position, end: { line: position.line, column: Math.max(position.column + 1, code.replace(/[\s{]+$/, '').length + 1) } };
}
