import type { Severity } from '../check/findings';
import { columnOf, columnsOf, type Datamodel, type DatamodelEnum, type DatamodelField, type DatamodelModel, tableOf } from '../schema/datamodel';
import type { Catalog, CatalogIndex } from './catalog';
import { type Step, tableOfStep } from './migrationSteps';

export const CHANGE_RULES = [
  'dropped-table',
  'dropped-column',
  'probable-rename',
  'required-column-without-default',
  'required-column-prisma-default',
  'optional-to-required-with-nulls',
  'scalar-to-list',
  'type-change',
  'added-unique-constraint',
  'dropped-enum-value',
  'primary-key-change',
  'dropped-index',
  'not-migrated',
] as const;

export type ChangeRule = (typeof CHANGE_RULES)[number];

/** Where a change belongs in the current schema: a dropped thing has no line left, so its model or the datasource. */
export type Anchor = { kind: 'field'; model: string; field: string } | { kind: 'model'; model: string } | { kind: 'enum'; name: string } | { kind: 'datasource' };

/** A repair the editor can offer as a quick fix; `edits.ts` turns it into text. */
export type Fix =
  | { kind: 'mapField'; model: string; field: string; column: string }
  | { kind: 'renameField'; model: string; field: string; to: string }
  | { kind: 'mapModel'; model: string; table: string }
  | { kind: 'addDefault'; model: string; field: string; value: string }
  | { kind: 'makeOptional'; model: string; field: string }
  | { kind: 'restoreField'; model: string; field: string; declaration: string };

export interface SchemaChange {
  rule: ChangeRule;
  severity: Severity;
  message: string;
  anchor: Anchor;
  /** What the dev database's counts are matched on: a rename is about the column it drops and the one it adds. */
  table: string;
  columns: string[];
  /** The columns of the unique constraint it adds, for counting duplicates. */
  uniqueColumns?: string[];
  /** The statements of the next migration it is about: a change exists only for steps the engine plans. */
  sql: string;
  fixes: Fix[];
}

/** Prisma Client fills these in; the database knows no default, so existing rows get none. */
const PRISMA_LEVEL_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

interface Side {
  tables: Map<string, DatamodelModel>;
  enums: Map<string, DatamodelEnum>;
  /** Enum name → its database name: columns of enum type compare by what the database calls the type. */
  enumDbNames: Map<string, string>;
}

function sideOf(datamodel: Datamodel): Side {
  return {
    tables: new Map(datamodel.models.map((m) => [tableOf(m), m])),
    enums: new Map(datamodel.enums.map((e) => [e.dbName ?? e.name, e])),
    enumDbNames: new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name])),
  };
}

/** What the database sees of a column's type: two columns hold each other's data only with equal shapes. */
function shapeOf(field: DatamodelField, side: Side): string {
  const type = field.kind === 'enum' ? `enum ${side.enumDbNames.get(field.type) ?? field.type}` : field.type;
  const native = field.nativeType ? ` @db.${field.nativeType[0]}(${field.nativeType[1].join(',')})` : '';
  return `${type}${field.isList ? '[]' : ''}${native}`;
}

function defaultKind(field: DatamodelField): 'none' | 'prisma' | 'database' {
  if (!field.hasDefaultValue) return 'none';
  const fn = typeof field.default === 'object' && field.default !== null && 'name' in field.default ? String((field.default as { name: unknown }).name) : undefined;
  return fn && PRISMA_LEVEL_DEFAULTS.has(fn) ? 'prisma' : 'database';
}

/** A sensible literal per type for `@default(…)`; none where no literal is obviously right (Bytes, Unsupported). */
function defaultLiteral(field: DatamodelField, after: Datamodel): string | undefined {
  if (field.isList) return undefined;
  if (field.kind === 'enum') return after.enums.find((e) => e.name === field.type)?.values[0]?.name;
  const literals: Record<string, string> = { String: '""', Int: '0', BigInt: '0', Float: '0', Decimal: '0', Boolean: 'false', DateTime: 'now()', Json: '"{}"' };
  return literals[field.type];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const sameColumns = (a: readonly string[], b: readonly string[]) => [...a].sort().join('\0') === [...b].sort().join('\0');
/** The steps' statements as a script: each ends with its semicolon, as the migration will have it. */
const sqlOf = (steps: readonly Step[]) => [...new Set(steps.map((s) => (s.sql.trimEnd().endsWith(';') ? s.sql : `${s.sql};`)))].join('\n');

/** The steps of the next migration, and which of them a change already explains. */
class Plan {
  private readonly explained = new Set<Step>();

  constructor(
    readonly steps: readonly Step[],
    readonly before: Catalog,
  ) {}

  find(predicate: (step: Step) => boolean): Step[] {
    return this.steps.filter(predicate);
  }

  explain(steps: readonly Step[]): void {
    for (const step of steps) this.explained.add(step);
  }

  unexplained(): Step[] {
    return this.steps.filter((s) => !this.explained.has(s));
  }

  onTable(table: string): Step[] {
    return this.find((s) => tableOfStep(s, this.before) === table);
  }

  onColumn(table: string, column: string, kinds: ReadonlyArray<Step['kind']>): Step[] {
    return this.find((s) => kinds.includes(s.kind) && 'column' in s && s.table === table && s.column === column);
  }
}

/**
 * What the next migration does, as findings: from the steps of the script the engine generated (the
 * truth), explained where possible by comparing the migrated datamodel (`before`, introspected from the
 * replayed history; null when that copy is not a valid schema) with the edited one (`after`). A datamodel
 * difference the engine plans no step for is no change; every step no datamodel difference explains
 * still becomes a change of its own.
 */
export function classifyChanges(before: Datamodel | null, after: Datamodel, steps: readonly Step[], catalog: Catalog): SchemaChange[] {
  if (steps.length === 0) return [];
  const plan = new Plan(steps, catalog);
  const now = sideOf(after);
  const changes = before ? datamodelChanges(sideOf(before), now, after, plan) : [];
  return [...changes, ...stepChanges(plan, now, after)];
}

function datamodelChanges(old: Side, now: Side, after: Datamodel, plan: Plan): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const add = (change: Omit<SchemaChange, 'sql'>, steps: readonly Step[]) => {
    plan.explain(steps);
    changes.push({ ...change, sql: sqlOf(steps) });
  };
  const dropsTable = (table: string) => plan.find((s) => s.kind === 'dropTable' && s.table === table);
  const createsTable = (table: string) => plan.find((s) => (s.kind === 'createTable' || s.kind === 'createIndex' || s.kind === 'otherTableChange') && s.table === table);

  const addedTables = [...now.tables].filter(([key]) => !old.tables.has(key));
  const droppedTables = [...old.tables].filter(([key]) => !now.tables.has(key) && dropsTable(key).length > 0);
  const shapes = (m: DatamodelModel, side: Side) => columnsOf(m).map((f) => `${columnOf(f)}:${shapeOf(f, side)}`).sort().join('|');
  const renamedFrom = new Set<string>();
  for (const [table, dropped] of droppedTables) {
    const renamed = addedTables.find(([key, added]) => !renamedFrom.has(key) && createsTable(key).length > 0 && shapes(dropped, old) === shapes(added, now));
    if (renamed) {
      const [newTable, model] = renamed;
      renamedFrom.add(newTable);
      add(
        {
          rule: 'probable-rename',
          severity: 'warning',
          message: `\`${model.name}\` looks like the table \`${table}\` renamed, but the migration drops \`${table}\` with its rows and creates \`${newTable}\` empty. Map the model to the old table to keep the data.`,
          anchor: { kind: 'model', model: model.name },
          table,
          columns: [],
          fixes: [{ kind: 'mapModel', model: model.name, table }],
        },
        [...dropsTable(table), ...plan.onTable(table), ...createsTable(newTable)],
      );
      continue;
    }
    add(
      {
        rule: 'dropped-table',
        severity: 'warning',
        message: `The model for the table \`${table}\` was removed: the next migration drops the table and all its rows (${plural(columnsOf(dropped).length, 'column')}).`,
        anchor: { kind: 'datasource' },
        table,
        columns: [],
        fixes: [],
      },
      plan.onTable(table),
    );
  }
  for (const [table, model] of addedTables) {
    const steps = createsTable(table);
    if (renamedFrom.has(table) || !plan.find((s) => s.kind === 'createTable' && s.table === table).length) continue;
    add(
      { rule: 'not-migrated', severity: 'info', message: `The model \`${model.name}\` is not migrated yet: the next migration creates the table \`${table}\`.`, anchor: { kind: 'model', model: model.name }, table, columns: [], fixes: [] },
      steps,
    );
  }
  for (const [table, model] of now.tables) {
    const previous = old.tables.get(table);
    if (previous && plan.onTable(table).length > 0) changes.push(...tableChanges(previous, model, { old, now, after, plan }));
  }
  return changes;
}

interface TableContext {
  old: Side;
  now: Side;
  after: Datamodel;
  plan: Plan;
}

function tableChanges(before: DatamodelModel, model: DatamodelModel, ctx: TableContext): SchemaChange[] {
  const { old, now, after, plan } = ctx;
  const table = tableOf(model);
  const changes: SchemaChange[] = [];
  const beforeColumns = new Map(columnsOf(before).map((f) => [columnOf(f), f]));
  const afterColumns = new Map(columnsOf(model).map((f) => [columnOf(f), f]));
  const drops = (column: string) => plan.onColumn(table, column, ['dropColumn']);
  const adds = (column: string) => plan.onColumn(table, column, ['addColumn']);
  const dropped = [...beforeColumns].filter(([column]) => !afterColumns.has(column) && drops(column).length > 0);
  const added = [...afterColumns].filter(([column]) => !beforeColumns.has(column) && adds(column).length > 0);
  const onField = (field: DatamodelField) => ({ kind: 'field' as const, model: model.name, field: field.name });
  const push = (change: Omit<SchemaChange, 'table' | 'sql' | 'columns'> & { columns?: string[] }, steps: readonly Step[]) => {
    plan.explain(steps);
    changes.push({ ...change, columns: change.columns ?? [], table, sql: sqlOf(steps) });
  };

  const renames = new Map<string, string>();
  for (const [column, field] of added) {
    const match = dropped.find(([previousColumn, previous]) => ![...renames.values()].includes(previousColumn) && shapeOf(previous, old) === shapeOf(field, now));
    if (!match) continue;
    renames.set(column, match[0]);
    push(
      {
        rule: 'probable-rename',
        severity: 'warning',
        message: `\`${field.name}\` looks like \`${match[0]}\` renamed, but the migration drops the column \`${match[0]}\` with its data and adds \`${column}\` empty. Map the field to the old column to keep the data.`,
        anchor: onField(field),
        columns: [match[0], column],
        fixes: [
          { kind: 'mapField', model: model.name, field: field.name, column: match[0] },
          // The migrated field's name is its column's (introspection names fields after columns).
          ...(/^[A-Za-z_]\w*$/.test(match[1].name) ? [{ kind: 'renameField' as const, model: model.name, field: field.name, to: match[1].name }] : []),
        ],
      },
      [...drops(match[0]), ...adds(column)],
    );
  }
  for (const [column, previous] of dropped) {
    if ([...renames.values()].includes(column)) continue;
    push(
      {
        rule: 'dropped-column',
        severity: 'warning',
        message: `The field for the column \`${table}.${column}\` was removed: the next migration drops the column and its data.`,
        anchor: { kind: 'model', model: model.name },
        columns: [column],
        fixes: [{ kind: 'restoreField', model: model.name, field: previous.name, declaration: declarationOf(previous, old, now) }],
      },
      drops(column),
    );
  }
  for (const [column, field] of added) {
    if (renames.has(column)) continue;
    const kind = defaultKind(field);
    if (field.isRequired && !field.isList && kind !== 'database') {
      push(
        {
          rule: kind === 'prisma' ? 'required-column-prisma-default' : 'required-column-without-default',
          severity: 'warning',
          message:
            kind === 'prisma'
              ? `\`${field.name}\` is required and its default is applied by Prisma Client, not the database: adding the column fails if \`${table}\` has rows.`
              : `\`${field.name}\` is required without a default: adding the column fails if \`${table}\` has rows.`,
          anchor: onField(field),
          columns: [column],
          fixes: requiredColumnFixes(model, field, after),
        },
        adds(column),
      );
    } else {
      push({ rule: 'not-migrated', severity: 'info', message: `\`${field.name}\` is not migrated yet: the next migration adds the column \`${column}\`.`, anchor: onField(field), columns: [column], fixes: [] }, adds(column));
    }
  }
  for (const [column, field] of afterColumns) {
    const previous = beforeColumns.get(column);
    if (!previous) continue;
    const [shapeBefore, shapeAfter] = [shapeOf(previous, old), shapeOf(field, now)];
    const retyped = plan.onColumn(table, column, ['alterColumn']).filter((s) => s.kind === 'alterColumn' && s.change === 'type');
    const recreated = drops(column).length > 0 && adds(column).length > 0 ? [...drops(column), ...adds(column)] : [];
    const required = plan.onColumn(table, column, ['alterColumn']).filter((s) => s.kind === 'alterColumn' && s.change === 'setNotNull');
    if (shapeBefore !== shapeAfter && (retyped.length > 0 || recreated.length > 0)) {
      const toList = field.isList && !previous.isList;
      push(
        {
          rule: toList ? 'scalar-to-list' : 'type-change',
          severity: toList ? 'error' : 'warning',
          message: toList
            ? `\`${field.name}\` becomes a list: its values cannot be cast from ${shapeBefore} to ${shapeAfter}.`
            : recreated.length > 0
              ? `\`${field.name}\` changes type (${shapeBefore} → ${shapeAfter}): the column is dropped and recreated, losing its data.`
              : `\`${field.name}\` changes type (${shapeBefore} → ${shapeAfter}): values are cast, and the migration fails or truncates where one does not convert.`,
          anchor: onField(field),
          columns: [column],
          fixes: [],
        },
        [...retyped, ...recreated, ...required],
      );
    } else if (field.isRequired && !previous.isRequired && required.length > 0) {
      push(
        {
          rule: 'optional-to-required-with-nulls',
          severity: 'warning',
          message: `\`${field.name}\` becomes required: the migration fails if any row of \`${table}\` holds NULL in \`${column}\`.`,
          anchor: onField(field),
          columns: [column],
          fixes: [{ kind: 'makeOptional', model: model.name, field: field.name }],
        },
        required,
      );
    }
  }
  return changes;
}

function requiredColumnFixes(model: DatamodelModel, field: DatamodelField, after: Datamodel): Fix[] {
  const fixes: Fix[] = [{ kind: 'makeOptional', model: model.name, field: field.name }];
  const literal = defaultLiteral(field, after);
  if (literal !== undefined) fixes.unshift({ kind: 'addDefault', model: model.name, field: field.name, value: literal });
  return fixes;
}

/**
 * The steps no datamodel difference explained, each read on its own: what it does to a table that
 * exists (the catalog says) decides the rule. Steps that risk nothing are grouped per table as
 * not migrated yet.
 */
function stepChanges(plan: Plan, now: Side, after: Datamodel): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const leftover = plan.unexplained();
  const existed = (table: string) => plan.before.tables.has(table) && !leftover.some((s) => s.kind === 'createTable' && s.table === table);
  const modelOf = (table: string) => now.tables.get(table);
  const anchorOf = (table: string | undefined, column?: string): Anchor => {
    const model = table === undefined ? undefined : modelOf(table);
    if (!model) return { kind: 'datasource' };
    const field = column === undefined ? undefined : columnsOf(model).find((f) => columnOf(f) === column);
    return field ? { kind: 'field', model: model.name, field: field.name } : { kind: 'model', model: model.name };
  };
  const dropped = new Set(leftover.flatMap((s) => (s.kind === 'dropTable' ? [s.table] : [])));
  const quiet: Step[] = [];

  for (const step of leftover) {
    const table = tableOfStep(step, plan.before);
    const base = { table: table ?? '', sql: sqlOf([step]), fixes: [] as Fix[] };
    switch (step.kind) {
      case 'dropTable': {
        const columns = plan.before.tables.get(step.table)?.columns.size ?? 0;
        const related = leftover.filter((s) => s !== step && tableOfStep(s, plan.before) === step.table);
        plan.explain(related);
        changes.push({
          ...base,
          rule: 'dropped-table',
          severity: 'warning',
          message: `The next migration drops the table \`${step.table}\` and all its rows (${plural(columns, 'column')}).`,
          anchor: { kind: 'datasource' },
          columns: [],
          sql: sqlOf([step, ...related]),
        });
        break;
      }
      case 'dropColumn':
        if (dropped.has(step.table)) break;
        changes.push({ ...base, rule: 'dropped-column', severity: 'warning', message: `The next migration drops the column \`${step.table}.${step.column}\` and its data.`, anchor: anchorOf(step.table), columns: [step.column] });
        break;
      case 'alterColumn':
        if (step.change === 'other') quiet.push(step);
        else if (step.change === 'type') {
          changes.push({ ...base, rule: 'type-change', severity: 'warning', message: `The next migration changes the type of \`${step.table}.${step.column}\`: values are cast, and the migration fails or truncates where one does not convert.`, anchor: anchorOf(step.table, step.column), columns: [step.column] });
        } else {
          changes.push({ ...base, rule: 'optional-to-required-with-nulls', severity: 'warning', message: `The next migration makes \`${step.table}.${step.column}\` NOT NULL: it fails if any row holds NULL there.`, anchor: anchorOf(step.table, step.column), columns: [step.column] });
        }
        break;
      case 'addColumn':
        if (step.notNull && !step.hasDefault && existed(step.table)) {
          const anchor = anchorOf(step.table, step.column);
          const model = modelOf(step.table);
          const field = anchor.kind === 'field' ? model?.fields.find((f) => f.name === anchor.field) : undefined;
          changes.push({
            ...base,
            rule: 'required-column-without-default',
            severity: 'warning',
            message: `The next migration adds the required column \`${step.table}.${step.column}\` without a default: it fails if \`${step.table}\` has rows.`,
            anchor,
            columns: [step.column],
            fixes: model && field ? requiredColumnFixes(model, field, after) : [],
          });
        } else quiet.push(step);
        break;
      case 'createIndex':
        if (step.unique && existed(step.table) && step.columns.every((c) => plan.before.tables.get(step.table)?.columns.has(c))) {
          changes.push({
            ...base,
            rule: 'added-unique-constraint',
            severity: 'warning',
            message: `The next migration adds a unique index on \`${step.table}\` (${step.columns.join(', ')}): it fails if the table holds duplicates.`,
            anchor: anchorOf(step.table, step.columns.length === 1 ? step.columns[0] : undefined),
            columns: step.columns,
            uniqueColumns: step.columns,
          });
        } else quiet.push(step);
        break;
      case 'dropIndex': {
        const index = plan.before.indexes.get(step.index);
        const replaced = index && plan.steps.some((s) => s.kind === 'createIndex' && s.table === index.table && sameColumns(s.columns, index.columns) && (s.unique || !index.unique));
        const primaryKey = index && plan.steps.some((s) => s.kind === 'primaryKey' && s.table === index.table);
        if ((table && dropped.has(table)) || replaced || primaryKey) {
          quiet.push(step);
          break;
        }
        const byHand = !index || !prismaNamed(index);
        changes.push({
          ...base,
          rule: 'dropped-index',
          severity: byHand ? 'warning' : 'info',
          message: byHand
            ? `The next migration drops the ${index?.unique ? 'unique ' : ''}index \`${step.index}\`${table ? ` on \`${table}\`` : ''}, which the schema does not declare${index ? ` (${index.definition})` : ''}: ${index?.unique ? 'its uniqueness is no longer enforced' : 'queries that use it get slower'}. Declare it in the schema, or the migration drops it.`
            : `The next migration drops the ${index.unique ? 'unique ' : ''}index \`${step.index}\` on \`${index.table}\` (${index.columns.join(', ')}), no longer declared in the schema.`,
          anchor: anchorOf(table),
          columns: index?.columns ?? [],
        });
        break;
      }
      case 'primaryKey':
        if (!existed(step.table) || keysUniqueColumns(step, plan)) quiet.push(step);
        else if (!changes.some((c) => c.rule === 'primary-key-change' && c.table === step.table)) {
          const steps = leftover.filter((s) => s.kind === 'primaryKey' && s.table === step.table);
          plan.explain(steps);
          const from = plan.before.tables.get(step.table)?.primaryKey.join(', ') || 'none';
          const to = steps.flatMap((s) => (s.kind === 'primaryKey' ? (s.columns ?? []) : [])).join(', ') || 'none';
          changes.push({
            ...base,
            rule: 'primary-key-change',
            severity: 'warning',
            message: `The primary key of \`${step.table}\` changes (${from} → ${to}): the key is dropped and rebuilt, and foreign keys pointing to it must follow.`,
            anchor: anchorOf(step.table),
            columns: [],
            sql: sqlOf(steps),
          });
        }
        break;
      case 'recreateEnum': {
        const removed = (plan.before.enums.get(step.enum) ?? []).filter((v) => !step.values.includes(v));
        const declared = now.enums.get(step.enum);
        const anchor: Anchor = declared ? { kind: 'enum', name: declared.name } : { kind: 'datasource' };
        if (removed.length === 0) {
          changes.push({ ...base, rule: 'not-migrated', severity: 'info', message: `The enum \`${declared?.name ?? step.enum}\` changed and is not migrated yet.`, anchor, table: step.enum, columns: [] });
          break;
        }
        changes.push({
          ...base,
          rule: 'dropped-enum-value',
          severity: 'warning',
          message: `Removes ${removed.map((v) => `\`${v}\``).join(', ')} from the enum \`${declared?.name ?? step.enum}\`: the migration fails if a row still holds ${removed.length === 1 ? 'it' : 'one of them'}, and code or deployed databases using ${removed.length === 1 ? 'it' : 'them'} break.`,
          anchor,
          table: step.enum,
          columns: [],
        });
        break;
      }
      default:
        quiet.push(step);
    }
  }
  plan.explain(leftover);
  return [...changes, ...notMigrated(quiet, plan, now)];
}

/**
 * A first primary key on columns a unique index already holds (implicit many-to-many tables made before
 * Prisma 5 get one): nothing is dropped and no row can fail it.
 */
function keysUniqueColumns(step: Extract<Step, { kind: 'primaryKey' }>, plan: Plan): boolean {
  const table = plan.before.tables.get(step.table);
  const added = plan.find((s) => s.kind === 'primaryKey' && s.table === step.table).flatMap((s) => (s.kind === 'primaryKey' ? (s.columns ?? []) : []));
  return (
    table !== undefined &&
    table.primaryKey.length === 0 &&
    added.length > 0 &&
    [...plan.before.indexes.values()].some((i) => i.table === step.table && i.unique && sameColumns(i.columns, added))
  );
}

/**
 * Whether Prisma named the index (`<table>_<columns>_key` / `_idx`), so a schema declaration created it: one
 * the schema never declared — another name, a GIN or partial index written into a migration by hand — is
 * one the user would not expect to lose.
 */
function prismaNamed(index: CatalogIndex): boolean {
  const name = `${index.table}_${index.columns.join('_')}_${index.unique ? 'key' : 'idx'}`;
  // PostgreSQL cuts identifiers at 63 bytes; Prisma then shortens the name itself.
  return index.name === name || (name.length > 63 && index.name.startsWith(`${index.table}_`.slice(0, 40)) && /_(key|idx)$/.test(index.name));
}

/** Steps that risk nothing, one information per table (or enum, or the rest), so the user sees the schema is ahead of its migrations. */
function notMigrated(steps: readonly Step[], plan: Plan, now: Side): SchemaChange[] {
  const groups = new Map<string, { table: string; enumName?: string; steps: Step[] }>();
  for (const step of steps) {
    const table = tableOfStep(step, plan.before);
    const enumName = table === undefined ? enumNamed(step, now) : undefined;
    const key = table !== undefined ? `table ${table}` : enumName !== undefined ? `enum ${enumName}` : '';
    const group = groups.get(key) ?? { table: table ?? '', enumName, steps: [] };
    group.steps.push(step);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ table, enumName, steps: grouped }) => {
    const model = now.tables.get(table);
    const created = grouped.some((s) => s.kind === 'createTable');
    const anchor: Anchor = model ? { kind: 'model', model: model.name } : enumName ? { kind: 'enum', name: enumName } : { kind: 'datasource' };
    const subject = model ? `\`${model.name}\`` : enumName ? `The enum \`${enumName}\`` : table ? `The table \`${table}\`` : 'The schema';
    return {
      rule: 'not-migrated' as const,
      severity: 'info' as const,
      message: created && model ? `The model \`${model.name}\` is not migrated yet: the next migration creates the table \`${table}\`.` : `${subject} changed and is not migrated yet.`,
      anchor,
      table,
      columns: [],
      sql: sqlOf(grouped),
      fixes: [],
    };
  });
}

/** The declared enum a statement names (CREATE TYPE, ALTER TYPE … ADD VALUE). */
function enumNamed(step: Step, now: Side): string | undefined {
  for (const [dbName, declared] of now.enums) if (step.sql.includes(`"${dbName}"`)) return declared.name;
  return undefined;
}

/** The dropped field's declaration as it was migrated (its column name, type and attributes), in the user's enum names. */
function declarationOf(field: DatamodelField, old: Side, now: Side): string {
  let type = field.type;
  if (field.kind === 'enum') {
    const dbName = old.enumDbNames.get(field.type) ?? field.type;
    type = now.enums.get(dbName)?.name ?? field.type;
  }
  const parts = [field.name, `${type}${field.isList ? '[]' : field.isRequired ? '' : '?'}`];
  if (field.isId) parts.push('@id');
  if (field.isUnique) parts.push('@unique');
  const literal = field.kind === 'enum' && typeof field.default === 'string' ? field.default : defaultAttribute(field.default);
  if (literal) parts.push(`@default(${literal})`);
  if (field.dbName && field.dbName !== field.name) parts.push(`@map("${field.dbName}")`);
  if (field.nativeType) parts.push(`@db.${field.nativeType[0]}${field.nativeType[1].length > 0 ? `(${field.nativeType[1].join(', ')})` : ''}`);
  return parts.join(' ');
}

function defaultAttribute(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && 'name' in value) {
    const { name, args } = value as { name: string; args?: unknown[] };
    return `${name}(${(args ?? []).map((a) => (typeof a === 'string' ? JSON.stringify(a) : String(a))).join(', ')})`;
  }
  return undefined;
}
