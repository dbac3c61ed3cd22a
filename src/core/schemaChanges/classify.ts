import type { Severity } from '../check/findings';
import { splitStatements } from '../lint/sqlStatements';
import { escapeRegExp } from '../text/regexp';
import { columnOf, columnsOf, type Datamodel, type DatamodelEnum, type DatamodelField, type DatamodelModel, tableOf } from '../schema/datamodel';

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
  /** The statements of the next migration that touch the table. */
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
  const key = (model: DatamodelModel) => `${model.schema ? `${model.schema}.` : ''}${tableOf(model)}`;
  return {
    tables: new Map(datamodel.models.map((m) => [key(m), m])),
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

/** The table a statement works on (SQLite's redefinition works on `new_<table>`); undefined when it names none (DROP INDEX). */
function targetOf(statement: string): string | undefined {
  const match =
    /^(?:CREATE|ALTER|DROP)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:["`][^"`]+["`]\.)?["`]([^"`]+)["`]/i.exec(statement) ??
    /^INSERT\s+INTO\s+(?:["`][^"`]+["`]\.)?["`]([^"`]+)["`]/i.exec(statement) ??
    /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+\S+\s+ON\s+(?:["`][^"`]+["`]\.)?["`]([^"`]+)["`]/i.exec(statement);
  return match?.[1].replace(/^new_/, '');
}

/** The statements of the script that work on a table, or that name it without naming another (DROP INDEX). */
function statementsTouching(statements: readonly string[], table: string): string {
  return statements.filter((s) => (targetOf(s) ?? (s.includes(`"${table}"`) || s.includes(`\`${table}\``) ? table : undefined)) === table).join('\n');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Classifies what the next migration does to each model, field and enum: from the migrated datamodel
 * (`before`, introspected) to the edited one (`after`), both parsed by Prisma, confirmed by the SQL the
 * engine generates for the same change (`script`). Only tables the script touches are reported.
 */
export function classifyChanges(before: Datamodel, after: Datamodel, script: string): SchemaChange[] {
  const statements = splitStatements(script).statements.map((s) => s.text);
  if (statements.length === 0) return [];
  const old = sideOf(before);
  const now = sideOf(after);
  const changes: SchemaChange[] = [];
  const sqlOf = (table: string) => statementsTouching(statements, table);

  const addedTables = [...now.tables].filter(([key]) => !old.tables.has(key));
  const droppedTables = [...old.tables].filter(([key]) => !now.tables.has(key));
  const sameColumns = (a: DatamodelModel, sideA: Side, b: DatamodelModel, sideB: Side) => {
    const shapes = (m: DatamodelModel, side: Side) => columnsOf(m).map((f) => `${columnOf(f)}:${shapeOf(f, side)}`).sort().join('|');
    return shapes(a, sideA) === shapes(b, sideB);
  };
  const renamedFrom = new Map<string, DatamodelModel>();
  for (const [, dropped] of droppedTables) {
    const renamed = addedTables.find(([, added]) => !renamedFrom.has(added.name) && sameColumns(dropped, old, added, now));
    if (renamed) {
      renamedFrom.set(renamed[1].name, dropped);
      changes.push({
        rule: 'probable-rename',
        severity: 'warning',
        message: `\`${renamed[1].name}\` looks like the table \`${tableOf(dropped)}\` renamed, but the migration drops \`${tableOf(dropped)}\` with its rows and creates \`${tableOf(renamed[1])}\` empty. Map the model to the old table to keep the data.`,
        anchor: { kind: 'model', model: renamed[1].name },
        table: tableOf(dropped),
        columns: [],
        sql: [sqlOf(tableOf(dropped)), sqlOf(tableOf(renamed[1]))].join('\n'),
        fixes: [{ kind: 'mapModel', model: renamed[1].name, table: tableOf(dropped) }],
      });
      continue;
    }
    changes.push({
      rule: 'dropped-table',
      severity: 'warning',
      message: `The model for the table \`${tableOf(dropped)}\` was removed: the next migration drops the table and all its rows (${plural(columnsOf(dropped).length, 'column')}).`,
      anchor: { kind: 'datasource' },
      table: tableOf(dropped),
      columns: [],
      sql: sqlOf(tableOf(dropped)),
      fixes: [],
    });
  }
  for (const [, added] of addedTables) {
    if (renamedFrom.has(added.name)) continue;
    changes.push({
      rule: 'not-migrated',
      severity: 'info',
      message: `The model \`${added.name}\` is not migrated yet: the next migration creates the table \`${tableOf(added)}\`.`,
      anchor: { kind: 'model', model: added.name },
      table: tableOf(added),
      columns: [],
      sql: sqlOf(tableOf(added)),
      fixes: [],
    });
  }

  for (const [key, model] of now.tables) {
    const previous = old.tables.get(key);
    if (!previous) continue;
    const sql = sqlOf(tableOf(model));
    if (!sql) continue;
    changes.push(...tableChanges(previous, model, { old, now, after, sql }));
  }

  for (const [dbName, enumNow] of now.enums) {
    const enumBefore = old.enums.get(dbName);
    const sql = statements.filter((s) => s.includes(`"${dbName}"`)).join('\n');
    if (!enumBefore) {
      if (sql) changes.push({ rule: 'not-migrated', severity: 'info', message: `The enum \`${enumNow.name}\` is not migrated yet.`, anchor: { kind: 'enum', name: enumNow.name }, table: dbName, columns: [], sql, fixes: [] });
      continue;
    }
    const values = new Set(enumNow.values.map((v) => v.dbName ?? v.name));
    const removed = enumBefore.values.map((v) => v.dbName ?? v.name).filter((v) => !values.has(v));
    if (removed.length > 0 && sql) {
      changes.push({
        rule: 'dropped-enum-value',
        severity: 'warning',
        message: `Removes ${removed.map((v) => `\`${v}\``).join(', ')} from the enum \`${enumNow.name}\`: the migration fails if a row still holds ${removed.length === 1 ? 'it' : 'one of them'}, and code or deployed databases using ${removed.length === 1 ? 'it' : 'them'} break.`,
        anchor: { kind: 'enum', name: enumNow.name },
        table: dbName,
        columns: [],
        sql,
        fixes: [],
      });
    } else if (sql && enumNow.values.some((v) => !enumBefore.values.some((b) => (b.dbName ?? b.name) === (v.dbName ?? v.name)))) {
      // A column of the enum's type added elsewhere names the enum too: only new values change it.
      changes.push({ rule: 'not-migrated', severity: 'info', message: `The enum \`${enumNow.name}\` has new values, not migrated yet.`, anchor: { kind: 'enum', name: enumNow.name }, table: dbName, columns: [], sql, fixes: [] });
    }
  }
  return changes;
}

interface TableContext {
  old: Side;
  now: Side;
  after: Datamodel;
  sql: string;
}

function tableChanges(before: DatamodelModel, model: DatamodelModel, ctx: TableContext): SchemaChange[] {
  const { old, now, after, sql } = ctx;
  const table = tableOf(model);
  const changes: SchemaChange[] = [];
  const beforeColumns = new Map(columnsOf(before).map((f) => [columnOf(f), f]));
  const afterColumns = new Map(columnsOf(model).map((f) => [columnOf(f), f]));
  const dropped = [...beforeColumns].filter(([column]) => !afterColumns.has(column));
  const added = [...afterColumns].filter(([column]) => !beforeColumns.has(column));
  const flagged = new Set<string>();
  const onField = (field: DatamodelField) => ({ kind: 'field' as const, model: model.name, field: field.name });
  const push = (change: Omit<SchemaChange, 'table' | 'sql' | 'columns'> & { columns?: string[] }) => {
    changes.push({ ...change, columns: change.columns ?? [], table, sql });
    if (change.anchor.kind === 'field') flagged.add(change.anchor.field);
  };

  const renames = new Map<string, string>();
  for (const [column, field] of added) {
    const match = dropped.find(([old_, previous]) => ![...renames.values()].includes(old_) && shapeOf(previous, old) === shapeOf(field, now));
    if (!match) continue;
    renames.set(column, match[0]);
    push({
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
    });
  }
  for (const [column, previous] of dropped) {
    if ([...renames.values()].includes(column)) continue;
    push({
      rule: 'dropped-column',
      severity: 'warning',
      message: `The field for the column \`${table}.${column}\` was removed: the next migration drops the column and its data.`,
      anchor: { kind: 'model', model: model.name },
      columns: [column],
      fixes: [{ kind: 'restoreField', model: model.name, field: previous.name, declaration: declarationOf(previous, old, now) }],
    });
  }
  for (const [column, field] of added) {
    if (renames.has(column)) continue;
    const kind = defaultKind(field);
    if (field.isRequired && !field.isList && kind !== 'database') {
      const literal = defaultLiteral(field, after);
      const fixes: Fix[] = [{ kind: 'makeOptional', model: model.name, field: field.name }];
      if (literal !== undefined) fixes.unshift({ kind: 'addDefault', model: model.name, field: field.name, value: literal });
      push({
        rule: kind === 'prisma' ? 'required-column-prisma-default' : 'required-column-without-default',
        severity: 'warning',
        message:
          kind === 'prisma'
            ? `\`${field.name}\` is required and its default is applied by Prisma Client, not the database: adding the column fails if \`${table}\` has rows.`
            : `\`${field.name}\` is required without a default: adding the column fails if \`${table}\` has rows.`,
        anchor: onField(field),
        columns: [column],
        fixes,
      });
    } else {
      push({ rule: 'not-migrated', severity: 'info', message: `\`${field.name}\` is not migrated yet: the next migration adds the column \`${column}\`.`, anchor: onField(field), columns: [column], fixes: [] });
    }
  }
  for (const [column, field] of afterColumns) {
    const previous = beforeColumns.get(column);
    if (!previous) continue;
    const [shapeBefore, shapeAfter] = [shapeOf(previous, old), shapeOf(field, now)];
    if (shapeBefore !== shapeAfter) {
      const toList = field.isList && !previous.isList;
      const recreated = new RegExp(`DROP\\s+COLUMN\\s+["\`]${escapeRegExp(column)}["\`]`, 'i').test(sql);
      push({
        rule: toList ? 'scalar-to-list' : 'type-change',
        severity: toList ? 'error' : 'warning',
        message: toList
          ? `\`${field.name}\` becomes a list: its values cannot be cast from ${shapeBefore} to ${shapeAfter}.`
          : recreated
            ? `\`${field.name}\` changes type (${shapeBefore} → ${shapeAfter}): the column is dropped and recreated, losing its data.`
            : `\`${field.name}\` changes type (${shapeBefore} → ${shapeAfter}): values are cast, and the migration fails or truncates where one does not convert.`,
        anchor: onField(field),
        columns: [column],
        fixes: [],
      });
    } else if (field.isRequired && !previous.isRequired) {
      push({
        rule: 'optional-to-required-with-nulls',
        severity: 'warning',
        message: `\`${field.name}\` becomes required: the migration fails if any row of \`${table}\` holds NULL in \`${column}\`.`,
        anchor: onField(field),
        columns: [column],
        fixes: [{ kind: 'makeOptional', model: model.name, field: field.name }],
      });
    }
    if (field.isUnique && !previous.isUnique && !flagged.has(field.name)) {
      push({
        rule: 'added-unique-constraint',
        severity: 'warning',
        message: `\`${field.name}\` becomes unique: the migration fails if \`${table}\` holds duplicate values in \`${column}\`.`,
        anchor: onField(field),
        columns: [column],
        uniqueColumns: [column],
        fixes: [],
      });
    }
  }
  const compoundKeys = (m: DatamodelModel, columns: Map<string, DatamodelField>) =>
    m.uniqueIndexes.map((u) => columnsNamed(m, u.fields).sort().join(',')).filter((k) => k.split(',').every((c) => columns.has(c)));
  const existingKeys = new Set(compoundKeys(before, beforeColumns));
  for (const key of compoundKeys(model, afterColumns)) {
    if (existingKeys.has(key) || key.split(',').some((c) => !beforeColumns.has(c))) continue;
    push({
      rule: 'added-unique-constraint',
      severity: 'warning',
      message: `A unique constraint on (${key.split(',').join(', ')}) is added: the migration fails if \`${table}\` holds duplicates.`,
      anchor: { kind: 'model', model: model.name },
      uniqueColumns: key.split(','),
      fixes: [],
    });
  }
  const primaryKey = (m: DatamodelModel) => columnsNamed(m, m.primaryKey?.fields ?? m.fields.filter((f) => f.isId).map((f) => f.name)).join(',');
  if (primaryKey(before) !== primaryKey(model)) {
    push({
      rule: 'primary-key-change',
      severity: 'warning',
      message: `The primary key of \`${table}\` changes (${primaryKey(before) || 'none'} → ${primaryKey(model) || 'none'}): the key is dropped and rebuilt, and foreign keys pointing to it must follow.`,
      anchor: { kind: 'model', model: model.name },
      fixes: [],
    });
  }
  const changedFields = columnsOf(model).filter((f) => !flagged.has(f.name) && beforeColumns.has(columnOf(f)) && fieldSql(sql, columnOf(f)));
  for (const field of changedFields) {
    push({ rule: 'not-migrated', severity: 'info', message: `\`${field.name}\` changed and is not migrated yet.`, anchor: onField(field), columns: [columnOf(field)], fixes: [] });
  }
  if (changes.length === 0) {
    push({ rule: 'not-migrated', severity: 'info', message: `\`${model.name}\` changed (indexes, keys or relations) and is not migrated yet.`, anchor: { kind: 'model', model: model.name }, fixes: [] });
  }
  return changes;
}

/** The columns of a key or index, named by its fields. */
function columnsNamed(model: DatamodelModel, fields: readonly string[]): string[] {
  return fields.map((name) => {
    const field = model.fields.find((f) => f.name === name);
    return field ? columnOf(field) : name;
  });
}

/** Whether the script alters this column by name (PostgreSQL's ALTER COLUMN). SQLite rebuilds whole tables. */
function fieldSql(sql: string, column: string): boolean {
  return new RegExp(`ALTER\\s+COLUMN\\s+"${escapeRegExp(column)}"`, 'i').test(sql);
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
