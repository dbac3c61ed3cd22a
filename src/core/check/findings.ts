import type { MigrationPlan } from '../engine/migrationEngine';
import { findDeclaration, indexDeclarations, type Declaration } from '../schema/declarations';
import { tableShapes } from '../schema/tableShapes';
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
  const droppedWithData = new Set<string>();
  const feedback = [
    ...plan.unexecutableSteps.map(({ message }) => ({ message, unexecutable: true })),
    ...plan.warnings.map(({ message }) => ({ message, unexecutable: false })),
  ];
  for (const { message, unexecutable } of feedback) {
    const rule = RULES.find((r) => r.pattern.test(message) && r.unexecutable === unexecutable);
    const subject = subjectOf(message);
    const name = rule?.rule ?? (unexecutable ? 'unexecutable-step' : 'data-loss');
    if (name === 'dropped-table' && subject.table) droppedWithData.add(subject.table);
    const position =
      name === 'dropped-table'
        ? fallback
        : name === 'dropped-column' || !subject.column
          ? at(subject.table ? modelPosition(subject.table) : undefined)
          : at(fieldPosition(subject.table ?? '', subject.column));
    findings.push({ rule: name, severity: unexecutable ? 'error' : 'warning', message, ...position });
  }
  for (const table of droppedTables(plan.script)) {
    if (droppedWithData.has(table)) continue;
    findings.push({
      rule: 'dropped-table',
      severity: 'warning',
      message: `The next migration drops the table \`${table}\` (empty now, but any code or deployed database still using it breaks).`,
      ...fallback,
    });
  }
  return findings;
}

/**
 * The engine's data-loss messages (prisma-engines, sql-migration-connector's destructive change
 * checks), by what they mean. Unmatched messages keep a generic rule; none is ever dropped.
 */
const RULES: ReadonlyArray<{ rule: string; unexecutable: boolean; pattern: RegExp }> = [
  { rule: 'required-column-without-default', unexecutable: true, pattern: /Added the required column `/ },
  { rule: 'required-column-prisma-default', unexecutable: true, pattern: /required column `[^`]+` was added .* with a prisma-level default/ },
  { rule: 'optional-to-required-with-nulls', unexecutable: true, pattern: /Made the column `[^`]+` on table `[^`]+` required/ },
  { rule: 'type-change', unexecutable: true, pattern: /Changed the type of `/ },
  { rule: 'dropped-table', unexecutable: false, pattern: /drop the `[^`]+` table/ },
  { rule: 'dropped-column', unexecutable: false, pattern: /drop the column `/ },
  { rule: 'type-change', unexecutable: false, pattern: /alter the column `|column on the `[^`]+` table would be dropped and recreated/ },
  { rule: 'added-unique-constraint', unexecutable: false, pattern: /A unique constraint covering the columns/ },
  { rule: 'dropped-enum-value', unexecutable: false, pattern: /on the enum `[^`]+` will be removed/ },
  { rule: 'primary-key-change', unexecutable: false, pattern: /The primary key for the `/ },
];

/** The table and, when the message is about one column, the column it names. */
function subjectOf(message: string): { table?: string; column?: string } {
  const table =
    /(?:on|to|for|drop) the `([^`]+)` table/.exec(message)?.[1] ??
    /on (?:the )?table `([^`]+)`/.exec(message)?.[1] ??
    /`([^`]+)` table/.exec(message)?.[1];
  const column =
    /column `([^`]+)`/.exec(message)?.[1] ??
    /The `([^`]+)` column/.exec(message)?.[1] ??
    /type of `([^`]+)`/.exec(message)?.[1] ??
    /covering the columns `\[([^\],`]+)\]`/.exec(message)?.[1];
  return { table, column };
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
  return (await tableShapes(project.engineSchemaFiles)).map((table) => ({
    name: table.model,
    dbName: table.table,
    fields: new Map(table.columns.map((c) => [c.field, c.column])),
  }));
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
