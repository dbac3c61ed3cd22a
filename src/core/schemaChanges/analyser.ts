import type { Finding } from '../check/findings';
import { openScratchDatabase } from '../db/scratch';
import { type DiffSource, MigrationEngine } from '../engine/migrationEngine';
import { datasourceLocation } from '../project/datasource';
import { type Datamodel, readDatamodel } from '../schema/datamodel';
import { DatamodelCache } from '../schema/datamodelCache';
import { findDeclaration, indexDeclarations, type Declaration } from '../schema/declarations';
import { SchemaLines } from '../schema/schemaLines';
import type { PrismaProject, SchemaPosition } from '../types';
import { type Anchor, classifyChanges } from './classify';
import { fixEdits, type FixEdit } from './edits';
import type { MigratedSchema } from './migratedSchema';

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

/**
 * The breaking changes of the next migration, for one migration history: holds the history's schema as a
 * datamodel and an engine that diffs it against any text of the schema in memory (milliseconds per call).
 * Build a new one when the migrations folder changes.
 */
export class SchemaChangeAnalyser {
  private readonly datamodels = new DatamodelCache();

  private constructor(
    private readonly engine: MigrationEngine,
    private readonly before: DiffSource,
    private readonly beforeModel: Datamodel,
  ) {}

  static async create(project: PrismaProject, migrated: MigratedSchema): Promise<SchemaChangeAnalyser> {
    const database = openScratchDatabase(migrated.provider);
    const seed = migrated.files.length > 0 ? migrated.files : [{ path: project.schemaPath, content: `datasource db {\n  provider = "${migrated.provider}"\n}\n` }];
    const engine = new MigrationEngine({ database, schemaFiles: seed, configDir: project.root });
    // A history that only creates extensions leaves no tables to introspect, yet has those extensions.
    const before: DiffSource = migrated.files.length > 0 || migrated.extensions.size > 0 ? { kind: 'schema', files: seed, extensions: migrated.extensions } : { kind: 'empty' };
    return new SchemaChangeAnalyser(engine, before, readDatamodel(seed));
  }

  /** The findings for the project's schema files as given (unsaved text included). Throws a 'schema' error on invalid text. */
  async analyse(project: PrismaProject): Promise<SchemaAnalysis> {
    // The engine judges the text first: an invalid schema throws here, before anything else reads it.
    const diff = await this.engine.diff(this.before, { kind: 'schema', files: project.engineSchemaFiles }, { script: true });
    if (!diff.hasChanges) return { script: '', findings: [] };
    const after = this.datamodels.read(project.engineSchemaFiles);
    const declarations = indexDeclarations(project.schemaFiles);
    const lines = new SchemaLines(project.schemaFiles);
    const findings = classifyChanges(this.beforeModel, after, diff.output).map((change) => {
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

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
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
