import type { Severity } from '../check/findings';
import { datasourceLocation } from '../project/datasource';
import { readDatamodel, tableOf } from '../schema/datamodel';
import { findDeclaration, indexDeclarations } from '../schema/declarations';
import type { PrismaProject, SchemaPosition } from '../types';
import type { SchemaFinding } from './analyser';

/** The engine's data-loss evaluation against the dev database (a `MigrationPlan` is one): messages with its counts. */
export interface DataLoss {
  warnings: ReadonlyArray<{ message: string }>;
  unexecutableSteps: ReadonlyArray<{ message: string }>;
}

/**
 * The engine's messages (prisma-engines, sql-migration-connector's destructive change checks) by what
 * they mean. Unmatched messages keep a generic rule; none is ever dropped.
 */
const RULES: ReadonlyArray<{ rule: string; unexecutable: boolean; pattern: RegExp }> = [
  { rule: 'required-column-without-default', unexecutable: true, pattern: /Added the required column `/ },
  { rule: 'required-column-prisma-default', unexecutable: true, pattern: /required column `[^`]+` was added .* with a prisma-level default/ },
  { rule: 'optional-to-required-with-nulls', unexecutable: true, pattern: /Made the column `[^`]+` on table `[^`]+` required/ },
  { rule: 'type-change', unexecutable: true, pattern: /Changed the type of `/ },
  { rule: 'added-unique-constraint', unexecutable: true, pattern: /Adding a unique constraint on .* occurs? more than once/ },
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

const DEV_DATABASE = 'Dev database:';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * The schema findings with what the dev database says: each engine message joins the finding about the
 * same table and column (its counts appended; an unexecutable step makes it an error), and a message no
 * finding covers becomes a finding of its own on its model, or on the datasource.
 */
export function withDataLoss(findings: readonly SchemaFinding[], loss: DataLoss, project: PrismaProject): SchemaFinding[] {
  const merged = findings.map((f) => ({ ...f }));
  const feedback = [
    ...loss.unexecutableSteps.map(({ message }) => ({ message, unexecutable: true })),
    ...loss.warnings.map(({ message }) => ({ message, unexecutable: false })),
  ];
  for (const { message, unexecutable } of feedback) {
    const rule = RULES.find((r) => r.pattern.test(message) && r.unexecutable === unexecutable)?.rule ?? (unexecutable ? 'unexecutable-step' : 'data-loss');
    const subject = subjectOf(message);
    const severity: Severity = unexecutable ? 'error' : 'warning';
    const about = (f: SchemaFinding) => f.subject.table === subject.table && (subject.column === undefined ? f.subject.columns.length === 0 : f.subject.columns.includes(subject.column));
    const match =
      merged.find((f) => f.severity !== 'info' && about(f)) ??
      merged.find(about) ??
      (subject.column === undefined ? merged.find((f) => f.subject.table === subject.table && f.rule === rule) : undefined);
    if (match) {
      // Two messages on one finding (a warning and an unexecutable step on the same column): one "Dev database:".
      match.message = match.message.includes(DEV_DATABASE) ? `${match.message} ${message}` : `${match.message} ${DEV_DATABASE} ${message}`;
      if (RANK[severity] > RANK[match.severity]) {
        match.severity = severity;
        if (match.rule === 'not-migrated') match.rule = rule;
      }
      continue;
    }
    const position = modelPosition(project, subject.table);
    merged.push({
      rule,
      severity,
      message,
      ...position,
      end: { line: position.line, column: position.column + 1 },
      subject: { table: subject.table ?? '', columns: subject.column === undefined ? [] : [subject.column] },
      sql: '',
      fixes: [],
    });
  }
  return merged;
}

function modelPosition(project: PrismaProject, table: string | undefined): SchemaPosition {
  const fallback = datasourceLocation(project);
  if (!table) return fallback;
  const model = readDatamodel(project.engineSchemaFiles).models.find((m) => tableOf(m) === table);
  return (model && findDeclaration(indexDeclarations(project.schemaFiles), 'model', model.name)?.position) ?? fallback;
}
