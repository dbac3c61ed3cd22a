import type { EngineDatabase } from '../db/target';
import type { ReplayCacheOptions } from '../db/replayCache';
import { errorMessage } from '../errors';
import type { MigrationsFolder } from '../migrations/folder';
import type { PrismaProject, Provider } from '../types';
import { quoteIdentifier } from '../lint/sqlStatements';
import { type ColumnChange, type DataChange, dataChanges, quoteTable, type TableName } from './dataChanges';
import { readTablesBefore } from './tablesBefore';

export { changesData } from './dataChanges';
export { SCAFFOLD_FILE } from './testFiles';

/*
 * A starter test for a migration that changes rows (see dataChanges.ts): one `-- test:` that inserts a row
 * into each table the migration changes, as the table is before it, then `-- migrate`, then an `-- assert:`
 * for each change: the row is still there, the columns the migration fills hold values, deleted rows are
 * gone, inserted rows are there. The rows are built from the tables' columns when the history before the
 * migration could be read; otherwise they are commented-out templates for the user to write.
 */

/** A column of a table before the migration, as its database describes it. */
export interface ColumnBefore {
  name: string;
  /** SQLite's declared type, or PostgreSQL's `udt_name` (`int4`, `varchar`, `_text` for an array of text). */
  type: string;
  notNull: boolean;
  /** Computed by the database (a generated column, an identity that refuses values): never written. */
  generated?: boolean;
  /** Numbered by a sequence or identity (PostgreSQL): a row written with an id the sequence will also hand out collides. */
  autoIncrement?: boolean;
  maxLength?: number;
  /** An enum's values, in their order. */
  enumValues?: string[];
}

export interface ForeignKeyBefore {
  columns: string[];
  table: TableName;
  /** The referenced columns, in order; empty for the referenced table's primary key. */
  references: string[];
}

export interface TableBefore {
  table: TableName;
  columns: ColumnBefore[];
  primaryKey: string[];
  foreignKeys: ForeignKeyBefore[];
}


/**
 * The text of a starter `migration.test.sql` for `migration` (its folder name) whose SQL is `sql`, or
 * undefined when the migration changes no rows (see changesData). `tables`: the tables as the history
 * before the migration leaves them (see readTablesBefore); without them, or for a table they lack, the row
 * to insert is a commented-out template.
 */
export function scaffoldMigrationTest(migration: string, sql: string, provider: Provider, tables?: readonly TableBefore[]): string | undefined {
  const changes = dataChanges(sql);
  if (changes.length === 0) return undefined;
  const seeds = seedRows(changes, tables, provider);
  const names = changes.map((change) => quoteTable(change.table));
  const lines = [
    `-- A test of what ${migration} does to the rows a database holds, run by \`prisma-migrations test\``,
    '-- on a scratch database (see prisma-migrations test --help). Make the rows below look like yours.',
    '',
    `-- test: migrates the rows of ${words(names)}`,
    ...(seeds.length > 0 ? ['-- Rows as they are before the migration:'] : []),
    ...seeds.flatMap((seed) => seedLines(seed, tables !== undefined)),
    '-- migrate',
  ];
  for (const change of changes) lines.push(...assertionLines(change, seeds.find((seed) => seed.change === change), tables));
  return `${lines.join('\n')}\n`;
}

// ---- Rows before the migration --------------------------------------------------------------------------

interface Seed {
  table: TableName;
  /** The table's columns; undefined when they are not known. */
  info?: TableBefore;
  /** Column → the literal written for it, in the table's column order. */
  values: Map<string, string>;
  /** NOT NULL columns no value could be made up for. */
  missing: string[];
  /** Comments on its row. */
  notes: string[];
  /** The change whose table this is; undefined for a table seeded for its rows to be referred to or read. */
  change?: DataChange;
}

/**
 * A row for each table that exists before the migration and whose rows it changes or reads, and for the
 * tables their NOT NULL foreign keys refer to: referred-to rows first.
 */
function seedRows(changes: readonly DataChange[], tables: readonly TableBefore[] | undefined, provider: Provider): Seed[] {
  const seeds: Seed[] = [];
  const seeded = new Map<string, Seed | 'pending'>();

  const seed = (name: TableName, change?: DataChange): Seed | undefined => {
    const info = tables && findTable(tables, name);
    const key = info ? tableKey(info.table) : tableKey(name);
    const known = seeded.get(key);
    if (known === 'pending') return undefined;
    if (known) {
      known.change ??= change;
      return known;
    }
    seeded.set(key, 'pending');
    const row: Seed = { table: info?.table ?? name, info, values: new Map(), missing: [], notes: [], change };
    if (info) fillRow(row, info, change, provider, (parent) => seed(parent));
    seeded.set(key, row);
    seeds.push(row);
    return row;
  };

  // A table the migration only adds rows to needs none before it.
  for (const change of changes) if (change.before && (change.columns.size > 0 || change.dropped.length > 0 || change.deletes.length > 0 || change.copied)) seed(change.before, change);
  for (const change of changes) for (const source of change.sources) if (!tables || findTable(tables, source)) seed(source);
  return seeds;
}

/** The literal of each column of `info`'s row; a column the migration fills or constrains starts out NULL where it may. */
function fillRow(row: Seed, info: TableBefore, change: DataChange | undefined, provider: Provider, parentRow: (table: TableName) => Seed | undefined): void {
  const after = new Map<string, string>();
  if (change) for (const [name, before] of change.renamed) after.set(before, name);
  const kindsOf = (column: string) => change?.columns.get(after.get(column) ?? column) ?? new Set<ColumnChange>();
  const keyOf = (column: string) => info.foreignKeys.find((fk) => fk.columns.includes(column));
  const values = new Map<string, string | undefined>();

  for (const column of info.columns) {
    if (column.generated || keyOf(column.name)) continue;
    const kinds = kindsOf(column.name);
    if (!column.notNull && (kinds.has('set') || kinds.has('notNull')) && !kinds.has('converted') && !kinds.has('rewritten')) {
      values.set(column.name, 'NULL');
      row.notes.push(kinds.has('set') ? `${quoteIdentifier(column.name)} is NULL: the migration fills it.` : `${quoteIdentifier(column.name)} is NULL: the migration makes it NOT NULL, so it must fill such rows first.`);
      continue;
    }
    const newType = kinds.has('converted') ? change?.types.get(after.get(column.name) ?? column.name) : undefined;
    values.set(column.name, (newType !== undefined ? convertibleValue(column, newType, provider) : undefined) ?? sampleValue(column, provider));
  }
  for (const column of info.columns) {
    const fk = keyOf(column.name);
    if (column.generated || !fk) continue;
    if (!column.notNull) {
      values.set(column.name, 'NULL');
      continue;
    }
    const position = fk.columns.indexOf(column.name);
    const sameTable = tableKey(fk.table) === tableKey(info.table);
    const parent = sameTable ? undefined : parentRow(fk.table);
    const referenced = fk.references[position] ?? (sameTable ? info : parent?.info)?.primaryKey[position];
    const value = referenced === undefined ? undefined : sameTable ? values.get(referenced) : parent && parent.missing.length === 0 ? parent.values.get(referenced) : undefined;
    values.set(column.name, value);
    if (parent && value !== undefined) row.notes.push(`${quoteIdentifier(column.name)} refers to the row of ${quoteTable(parent.table)} above.`);
  }
  for (const column of info.columns) {
    if (!values.has(column.name)) continue;
    const value = values.get(column.name);
    if (value === undefined) {
      if (column.notNull) row.missing.push(column.name);
      row.values.set(column.name, 'NULL');
    } else {
      row.values.set(column.name, value);
    }
  }
}

function seedLines(seed: Seed, tablesRead: boolean): string[] {
  const table = quoteTable(seed.table);
  if (!seed.info) {
    const why = tablesRead ? `${table} is not in the history before the migration` : `the columns of ${table} could not be read from the history`;
    return [`-- Write a row of ${table} here (${why}):`, `-- INSERT INTO ${table} ("column", …) VALUES ('value', …);`];
  }
  const insert = `INSERT INTO ${table} (${[...seed.values.keys()].map(quoteIdentifier).join(', ')}) VALUES (${[...seed.values.values()].join(', ')});`;
  if (seed.missing.length > 0) {
    const missing = seed.missing.map((name) => `${quoteIdentifier(name)} (${seed.info!.columns.find((c) => c.name === name)?.type ?? 'unknown'})`);
    return [...seed.notes.map((note) => `-- ${note}`), `-- No sample value for ${words(missing)} of ${table}: write one, then uncomment the row.`, `-- ${insert}`];
  }
  return [...seed.notes.map((note) => `-- ${note}`), insert];
}

// ---- What must hold after it ----------------------------------------------------------------------------

function assertionLines(change: DataChange, seed: Seed | undefined, tables: readonly TableBefore[] | undefined): string[] {
  const table = quoteTable(change.table);
  const lines: string[] = [];
  const assert = (message: string, query: string) => lines.push(`-- assert: ${message}`, `${query};`);
  const dropped = [...change.dropped];
  const info = seed?.info;
  if (change.copied && info) dropped.push(...info.columns.filter((c) => !c.generated && !change.copied!.includes(c.name)).map((c) => c.name));
  if (dropped.length > 0) lines.push(`-- The migration drops ${words(dropped.map(quoteIdentifier))} from ${table}.`);

  const live = seed !== undefined && info !== undefined && seed.missing.length === 0;
  if (live && change.deletes.length === 0) {
    const key = rowKey(change, seed, info);
    if (key) assert(`the row of ${table} inserted above is still there`, `SELECT count(*) = 1 FROM ${table} WHERE ${key}`);
  }
  for (const [column, kinds] of change.columns) {
    const name = quoteIdentifier(column);
    const message = kinds.has('converted')
      ? `every row of ${table} keeps a value in ${name} through the type change`
      : kinds.has('readded')
        ? `every row of ${table} still has a value in ${name} (it is dropped and added again)`
        : `every row of ${table} has a value in ${name}`;
    assert(message, `SELECT count(*) = 0 FROM ${table} WHERE ${name} IS NULL`);
  }
  for (const deleted of change.deletes) {
    if (deleted.where === undefined) assert(`every row of ${table} is deleted (line ${deleted.line} of migration.sql)`, `SELECT count(*) = 0 FROM ${deleted.from}`);
    else assert(`the rows the DELETE at line ${deleted.line} of migration.sql removes are gone`, `SELECT count(*) = 0 FROM ${deleted.from} WHERE ${deleted.where}`);
  }
  const seededRows = seed ? 1 : 0;
  for (const inserted of change.inserts) {
    const columns = inserted.columns ?? (change.before && tables ? findTable(tables, change.before)?.columns.filter((c) => !c.generated).map((c) => c.name) : undefined);
    const literalRows = (inserted.rows ?? []).flatMap((row) => {
      const conditions = columns ? row.flatMap((value, i) => (value === undefined || columns[i] === undefined ? [] : [condition(columns[i]!, value)])) : [];
      return conditions.length === 0 ? [] : [{ row, conditions }];
    });
    for (const { row, conditions } of literalRows) {
      assert(`the migration inserts (${row.map((value) => value ?? '…').join(', ')}) into ${table}`, `SELECT count(*) = 1 FROM ${table} WHERE ${conditions.join(' AND ')}`);
    }
    if (literalRows.length === 0) {
      const first = columns?.[0];
      const besides = seededRows === 1 ? ', besides the row inserted above' : '';
      assert(`the migration inserts rows into ${table} (line ${inserted.line} of migration.sql${besides})`, `SELECT count(*) > ${seededRows} FROM ${table}${first ? ` WHERE ${quoteIdentifier(first)} IS NOT NULL` : ''}`);
    }
  }
  if (!lines.some((line) => line.startsWith('-- assert'))) {
    // Only drops, or a rebuilt table, and no key to find the row by: its rows must all be there still.
    assert(`the ${seededRows === 1 ? 'row' : 'rows'} of ${table} inserted above ${seededRows === 1 ? 'is' : 'are'} still there`, `SELECT count(*) = ${Math.max(seededRows, 1)} FROM ${table}`);
  }
  return lines;
}

/** `"id" = 1` for the seeded row's primary key, as named after the migration; undefined when it changes or is unknown. */
function rowKey(change: DataChange, seed: Seed, info: TableBefore): string | undefined {
  if (info.primaryKey.length === 0) return undefined;
  const renamedTo = new Map([...change.renamed].map(([after, before]) => [before, after]));
  const parts: string[] = [];
  for (const column of info.primaryKey) {
    const value = seed.values.get(column);
    const after = renamedTo.get(column) ?? column;
    if (value === undefined || /^NULL\b/i.test(value) || change.dropped.includes(column) || change.columns.has(after)) return undefined;
    if (change.copied && !change.copied.includes(column)) return undefined;
    parts.push(condition(after, value));
  }
  return parts.join(' AND ');
}

const condition = (column: string, value: string) => (/^NULL\b/i.test(value) ? `${quoteIdentifier(column)} IS NULL` : `${quoteIdentifier(column)} = ${value}`);

// ---- Sample values --------------------------------------------------------------------------------------

const quoteString = (text: string) => `'${text.replace(/'/g, "''")}'`;

const TEXT_TYPE = /char|text|clob|citext|^name$|^string$|^$/;

/**
 * A literal for a column of this type that both databases store: two words of text (so that a migration
 * that splits a value has something to split), 1 for integers (1000 for a sequence's, past the ids it
 * hands out first), and so on; undefined for a type without an obvious value (geometry, a range…).
 */
export function sampleValue(column: ColumnBefore, provider: Provider): string | undefined {
  const type = column.type.trim().toLowerCase().replace(/\(.*\)$/, '').trim();
  if (column.enumValues?.length) return quoteString(column.enumValues[0]!);
  if (type.startsWith('_') || type.endsWith('[]')) return "'{}'";
  if (/^bool/.test(type)) return 'true';
  if (/^(int[248]?|integer|smallint|bigint|tinyint|mediumint|serial[248]?|bigserial|smallserial)$/.test(type) || (provider === 'sqlite' && type.includes('int'))) return column.autoIncrement ? '1000' : '1';
  if (/^(float|real|double|numeric|decimal|money)/.test(type)) return '1.5';
  if (/^(timestamp|datetime)/.test(type)) return "'2024-01-01 00:00:00'";
  if (type === 'date') return "'2024-01-01'";
  if (/^time/.test(type)) return "'12:00:00'";
  if (type === 'interval') return "'1 day'";
  if (type === 'uuid') return "'00000000-0000-4000-8000-000000000001'";
  if (/^jsonb?$/.test(type)) return "'{}'";
  if (type === 'bytea') return "'\\x00'";
  if (type === 'blob') return "X'00'";
  if (type === 'inet' || type === 'cidr') return "'127.0.0.1'";
  if (type === 'xml') return "'<sample/>'";
  if (TEXT_TYPE.test(type) || provider === 'sqlite') {
    const text = `sample ${column.name}`;
    return quoteString(column.maxLength ? text.slice(0, column.maxLength) : text);
  }
  return undefined;
}

/** For a text column converted to `newType`: text that the new type reads (`'1'` for an integer). */
function convertibleValue(column: ColumnBefore, newType: string, provider: Provider): string | undefined {
  if (!TEXT_TYPE.test(column.type.trim().toLowerCase().replace(/\(.*\)$/, ''))) return undefined;
  const value = sampleValue({ name: column.name, type: newType.replace(/"/g, '').trim(), notNull: true }, provider);
  if (value === undefined || value.startsWith("'")) return value;
  return quoteString(value);
}

// ---- Names ----------------------------------------------------------------------------------------------

const tableKey = (table: TableName) => table.name.toLowerCase();

/** The table of that name (its schema when the name has one; else the first, as the search path would). */
function findTable(tables: readonly TableBefore[], name: TableName): TableBefore | undefined {
  const named = tables.filter((t) => t.table.name === name.name || t.table.name.toLowerCase() === name.name.toLowerCase());
  return named.find((t) => name.schema === undefined || t.table.schema === name.schema) ?? (name.schema === undefined ? named[0] : undefined);
}

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
function words(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

// ---- From the history -----------------------------------------------------------------------------------

export interface MigrationTestScaffold {
  text: string;
  /** Why the tables before the migration could not be read (the rows are templates then). */
  problem?: string;
}

/**
 * The scaffold of a migration of `folder` (see scaffoldMigrationTest), its rows built from the tables the
 * history before it leaves, replayed on a scratch database (on `server`, a PostgreSQL server's database
 * that offers temporary ones, else embedded). Undefined when the migration changes no rows.
 */
export async function migrationTestScaffold(
  project: PrismaProject,
  folder: MigrationsFolder,
  migration: string,
  options: { server?: EngineDatabase; cache?: ReplayCacheOptions } = {},
): Promise<MigrationTestScaffold | undefined> {
  const sql = folder.migrations.find((m) => m.name === migration)?.script ?? '';
  if (dataChanges(sql).length === 0) return undefined;
  let tables: TableBefore[] | undefined;
  let problem: string | undefined;
  try {
    tables = await readTablesBefore(project, folder, migration, options);
  } catch (error) {
    problem = errorMessage(error);
  }
  const text = scaffoldMigrationTest(migration, sql, project.provider, tables)!;
  return { text, ...(problem !== undefined && { problem }) };
}
