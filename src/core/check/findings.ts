import { getDMMF } from '@prisma/internals';
import type { MigrationPlan } from '../engine/migrationEngine';
import { MigrateError } from '../errors';
import { findDeclaration, indexDeclarations, type Declaration } from '../schema/declarations';
import type { PrismaProject, SchemaPosition } from '../types';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** 1-based position in the user's schema file. */
  file: string;
  line: number;
  column: number;
}

interface ModelNames {
  name: string;
  dbName: string;
  fields: Map<string, string>;
}

/**
 * The breaking-change findings of the next migration: what the engine's data-loss evaluation says
 * (with the dev database's counts) and the tables the plan drops, placed on the model or field they
 * are about. A dropped thing has no line left: it is reported on its model, or on the datasource.
 */
export async function findingsOf(project: PrismaProject, plan: MigrationPlan): Promise<Finding[]> {
  const declarations = indexDeclarations(project.schemaFiles);
  const models = await modelNames(project);
  const fallback = datasourcePosition(project, declarations);
  const at = (position: SchemaPosition | undefined) => position ?? fallback;
  const modelByTable = (table: string) => models.find((m) => m.dbName === table);
  const modelPosition = (table: string) => {
    const model = modelByTable(table);
    return model && (findDeclaration(declarations, 'model', model.name) ?? findDeclaration(declarations, 'view', model.name))?.position;
  };
  const fieldPosition = (table: string, column: string) => {
    const model = modelByTable(table);
    const field = model && [...model.fields].find(([, db]) => db === column)?.[0];
    const declaration = model && findDeclaration(declarations, 'model', model.name);
    return (field && declaration?.members.get(field)) || modelPosition(table);
  };

  const findings: Finding[] = [];
  const add = (rule: string, severity: Severity, message: string, position: SchemaPosition) =>
    findings.push({ rule, severity, message, ...position });

  for (const { message } of plan.unexecutableSteps) {
    const required = /required column `([^`]+)` to the `([^`]+)` table/.exec(message);
    if (required) add('required-column-without-default', 'error', message, at(fieldPosition(required[2], required[1])));
    else add('unexecutable-step', 'error', message, at(tableOf(message) ? modelPosition(tableOf(message)!) : undefined));
  }
  const warnedTables = new Set<string>();
  for (const { message } of plan.warnings) {
    const droppedColumn = /drop the column `([^`]+)` on the `([^`]+)` table/.exec(message);
    const droppedTable = /drop the `([^`]+)` table/.exec(message);
    const altered = /alter the column `([^`]+)` on the `([^`]+)` table/.exec(message) ?? /The `([^`]+)` column on the `([^`]+)` table would be dropped and recreated/.exec(message);
    if (droppedColumn) add('dropped-column', 'warning', message, at(modelPosition(droppedColumn[2])));
    else if (droppedTable) {
      warnedTables.add(droppedTable[1]);
      add('dropped-table', 'warning', message, fallback);
    } else if (altered) add('type-change', 'warning', message, at(fieldPosition(altered[2], altered[1])));
    else add('data-loss', 'warning', message, at(tableOf(message) ? modelPosition(tableOf(message)!) : undefined));
  }
  for (const table of droppedTables(plan.script)) {
    if (warnedTables.has(table)) continue;
    add('dropped-table', 'warning', `The next migration drops the table \`${table}\` (empty now, but any code or deployed database still using it breaks).`, fallback);
  }
  return findings;
}

function tableOf(message: string): string | undefined {
  return /`([^`]+)` table/.exec(message)?.[1];
}

/**
 * Tables the script drops for good. SQLite's table redefinition also drops a table, but renames its
 * replacement to the same name right after: that is not a drop.
 */
export function droppedTables(script: string): string[] {
  const dropped = [...script.matchAll(/DROP TABLE (?:IF EXISTS )?((?:"[^"]+"\.)?"[^"]+"|`[^`]+`)/g)].map((m) => unquote(m[1]));
  const recreated = new Set([...script.matchAll(/ALTER TABLE "[^"]+" RENAME TO "([^"]+)"/g)].map((m) => m[1]));
  return dropped.filter((table) => !recreated.has(table));
}

function unquote(identifier: string): string {
  const last = identifier.split('.').pop() ?? identifier;
  return last.replace(/^["`]|["`]$/g, '');
}

async function modelNames(project: PrismaProject): Promise<ModelNames[]> {
  try {
    const dmmf = await getDMMF({ datamodel: project.engineSchemaFiles.map((f) => [f.path, f.content] as [string, string]) });
    return dmmf.datamodel.models.map((model) => ({
      name: model.name,
      dbName: model.dbName ?? model.name,
      fields: new Map(model.fields.filter((f) => f.kind !== 'object').map((f) => [f.name, f.dbName ?? f.name])),
    }));
  } catch (error) {
    throw new MigrateError('schema', `The schema is not valid: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function datasourcePosition(project: PrismaProject, declarations: readonly Declaration[]): SchemaPosition {
  return (
    project.datasourcePosition ??
    declarations.find((d) => d.keyword === 'datasource')?.position ?? { file: project.schemaFiles[0]?.path ?? project.schemaPath, line: 1, column: 1 }
  );
}

/** `check` fails on warnings and errors; information never fails a build. */
export function failsCheck(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity !== 'info');
}
