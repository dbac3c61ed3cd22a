import { splitStatements } from '../lint/sqlStatements';
import type { Catalog } from './catalog';

/**
 * One thing the next migration does, read from the SQL the schema engine generated for it. The engine's
 * script is the truth of what a migration does; a finding must point at one of these. SQLite's table
 * redefinitions are turned into the column and index steps they amount to, so both providers read alike.
 */
export type Step = { sql: string } & (
  | { kind: 'createTable'; table: string }
  | { kind: 'dropTable'; table: string }
  | { kind: 'addColumn'; table: string; column: string; notNull: boolean; hasDefault: boolean }
  | { kind: 'dropColumn'; table: string; column: string }
  | { kind: 'alterColumn'; table: string; column: string; change: 'type' | 'setNotNull' | 'other' }
  | { kind: 'createIndex'; table: string; index: string; unique: boolean; columns: string[] }
  | { kind: 'dropIndex'; table: string | undefined; index: string }
  /** Dropping or adding a primary key; `columns` are the new key's, where the step adds one. */
  | { kind: 'primaryKey'; table: string; columns?: string[] }
  | { kind: 'otherTableChange'; table: string }
  | { kind: 'recreateEnum'; enum: string; values: string[] }
  | { kind: 'other' }
);

const NAME = String.raw`"((?:[^"]|"")+)"`;
const QUALIFIED = String.raw`(?:"(?:[^"]|"")+"\s*\.\s*)?${NAME}`;
const unquote = (name: string) => name.replace(/""/g, '"');

/** The quoted names in a column list such as `("a", "b")`, or the first word of each element (`bio gin_trgm_ops`). */
export function columnList(list: string): string[] {
  return splitTopLevel(list).map((part) => {
    const quoted = new RegExp(`^${NAME}`).exec(part.trim());
    return quoted ? unquote(quoted[1]) : (part.trim().split(/\s+/)[0] ?? '');
  });
}

/** Splits at commas outside parentheses, quotes and strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** The steps of an engine-generated script. `before` is the database the script would run on (SQLite redefinitions need its columns). */
export function migrationSteps(script: string, before: Catalog): Step[] {
  const statements = splitStatements(script).statements.map((s) => s.text);
  const steps: Step[] = [];
  for (let i = 0; i < statements.length; i += 1) {
    const statement = statements[i];
    if (/^BEGIN$/i.test(statement)) {
      // PostgreSQL removes enum values by building a new type inside a transaction: one step.
      const end = statements.findIndex((s, j) => j > i && /^COMMIT$/i.test(s));
      const block = statements.slice(i + 1, end < 0 ? statements.length : end);
      const created = block.map((s) => new RegExp(`^CREATE\\s+TYPE\\s+${QUALIFIED}\\s+AS\\s+ENUM\\s*\\(([\\s\\S]*)\\)$`, 'i').exec(s)).find(Boolean);
      if (created && created[1].endsWith('_new')) {
        steps.push({ kind: 'recreateEnum', enum: unquote(created[1]).replace(/_new$/, ''), values: enumValues(created[2]), sql: terminated(block) });
        i = end < 0 ? statements.length : end;
        continue;
      }
      continue;
    }
    const redefined = new RegExp(`^CREATE\\s+TABLE\\s+"new_((?:[^"]|"")+)"\\s*\\(([\\s\\S]*)\\)$`, 'i').exec(statement);
    if (redefined) {
      const table = unquote(redefined[1]);
      const block = statements.slice(i, i + 4);
      const copied = new RegExp(`^INSERT\\s+INTO\\s+"new_[^(]*\\(([^)]*)\\)`, 'i').exec(block[1] ?? '');
      steps.push(...redefinitionSteps(table, redefined[2], copied ? columnList(copied[1]) : [], terminated(block), before, statements.slice(i + 4)));
      i += 3;
      continue;
    }
    steps.push(...statementSteps(statement));
  }
  return steps.filter((step) => !recreatedAsItWas(step, before, steps));
}

/** SQLite creates a redefined table's indexes again as they were: no change. */
function recreatedAsItWas(step: Step, before: Catalog, steps: readonly Step[]): boolean {
  if (step.kind !== 'createIndex') return false;
  const old = before.indexes.get(step.index);
  return (
    old !== undefined &&
    old.table === step.table &&
    old.unique === step.unique &&
    old.columns.join(',') === step.columns.join(',') &&
    !steps.some((s) => s.kind === 'dropIndex' && s.index === step.index)
  );
}

function enumValues(list: string): string[] {
  return [...list.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replace(/''/g, "'"));
}

const terminated = (statements: readonly string[]) => statements.map((s) => `${s};`).join('\n');

function statementSteps(statement: string): Step[] {
  const sql = `${statement};`;
  if (/^PRAGMA\b/i.test(statement)) return [];
  let match = new RegExp(`^CREATE\\s+TABLE\\s+${QUALIFIED}`, 'i').exec(statement);
  if (match) return [{ kind: 'createTable', table: unquote(match[1]), sql }];
  match = new RegExp(`^DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}`, 'i').exec(statement);
  if (match) return [{ kind: 'dropTable', table: unquote(match[1]), sql }];
  match = new RegExp(`^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+${NAME}\\s+ON\\s+${QUALIFIED}(?:\\s+USING\\s+\\w+)?\\s*\\(([\\s\\S]*)\\)`, 'i').exec(statement);
  if (match) return [{ kind: 'createIndex', table: unquote(match[3]), index: unquote(match[2]), unique: Boolean(match[1]), columns: columnList(match[4]), sql }];
  match = new RegExp(`^DROP\\s+INDEX\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}`, 'i').exec(statement);
  if (match) return [{ kind: 'dropIndex', table: undefined, index: unquote(match[1]), sql }];
  match = new RegExp(`^ALTER\\s+TABLE\\s+(?:ONLY\\s+)?${QUALIFIED}\\s+([\\s\\S]*)$`, 'i').exec(statement);
  if (match) {
    const table = unquote(match[1]);
    return splitTopLevel(match[2]).map((action) => alterTableStep(table, action, `ALTER TABLE "${table}" ${action};`));
  }
  return [{ kind: 'other', sql }];
}

function alterTableStep(table: string, action: string, sql: string): Step {
  let match = new RegExp(`^ADD\\s+COLUMN\\s+${NAME}\\s+([\\s\\S]*)$`, 'i').exec(action);
  if (match) return { kind: 'addColumn', table, column: unquote(match[1]), notNull: /\bNOT\s+NULL\b/i.test(match[2]), hasDefault: /\bDEFAULT\b/i.test(match[2]), sql };
  match = new RegExp(`^DROP\\s+COLUMN\\s+(?:IF\\s+EXISTS\\s+)?${NAME}`, 'i').exec(action);
  if (match) return { kind: 'dropColumn', table, column: unquote(match[1]), sql };
  match = new RegExp(`^ALTER\\s+COLUMN\\s+${NAME}\\s+([\\s\\S]*)$`, 'i').exec(action);
  if (match) {
    const change = /^(?:SET\s+DATA\s+)?TYPE\b/i.test(match[2]) ? 'type' : /^SET\s+NOT\s+NULL/i.test(match[2]) ? 'setNotNull' : 'other';
    return { kind: 'alterColumn', table, column: unquote(match[1]), change, sql };
  }
  const key = /^ADD\s+(?:CONSTRAINT\s+\S+\s+)?PRIMARY\s+KEY\s*\(([^)]*)\)/i.exec(action);
  if (key) return { kind: 'primaryKey', table, columns: columnList(key[1]), sql };
  if (/^DROP\s+CONSTRAINT\s+"(?:[^"]|"")*_pkey"/i.test(action)) return { kind: 'primaryKey', table, sql };
  match = new RegExp(`^ADD\\s+CONSTRAINT\\s+${NAME}\\s+UNIQUE\\s*\\(([^)]*)\\)`, 'i').exec(action);
  if (match) return { kind: 'createIndex', table, index: unquote(match[1]), unique: true, columns: columnList(match[2]), sql };
  return { kind: 'otherTableChange', table, sql };
}

/** Column definitions of a CREATE TABLE body: name, whether NOT NULL, whether it has a default; and the primary key. */
function tableBody(body: string): { columns: Map<string, { type: string; notNull: boolean; hasDefault: boolean }>; primaryKey: string[] } {
  const columns = new Map<string, { type: string; notNull: boolean; hasDefault: boolean }>();
  let primaryKey: string[] = [];
  for (const part of splitTopLevel(body)) {
    const key = /^(?:CONSTRAINT\s+"(?:[^"]|"")+"\s+)?PRIMARY\s+KEY\s*\(([^)]*)\)/i.exec(part);
    if (key) {
      primaryKey = columnList(key[1]);
      continue;
    }
    const column = new RegExp(`^${NAME}\\s+(\\w+)([\\s\\S]*)$`).exec(part);
    if (!column) continue;
    const name = unquote(column[1]);
    columns.set(name, { type: column[2].toUpperCase(), notNull: /\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b/i.test(column[3]), hasDefault: /\bDEFAULT\b/i.test(column[3]) });
    if (/\bPRIMARY\s+KEY\b/i.test(column[3])) primaryKey = [name];
  }
  return { columns, primaryKey };
}

/**
 * What a SQLite redefinition (new table, copy, drop, rename) does, compared with the table it replaces:
 * the columns it does not copy are dropped, new ones added, changed ones altered, and indexes of the old
 * table that the script does not create again are dropped with it.
 */
function redefinitionSteps(table: string, body: string, copied: readonly string[], sql: string, before: Catalog, rest: readonly string[]): Step[] {
  const old = before.tables.get(table);
  if (!old) return [{ kind: 'otherTableChange', table, sql }];
  const now = tableBody(body);
  const steps: Step[] = [];
  for (const column of old.columns.keys()) if (!copied.includes(column)) steps.push({ kind: 'dropColumn', table, column, sql });
  for (const [column, definition] of now.columns) {
    const previous = old.columns.get(column);
    if (!previous || !copied.includes(column)) {
      steps.push({ kind: 'addColumn', table, column, notNull: definition.notNull, hasDefault: definition.hasDefault, sql });
      continue;
    }
    if (previous.type.toUpperCase() !== definition.type) steps.push({ kind: 'alterColumn', table, column, change: 'type', sql });
    if (definition.notNull && !previous.notNull) steps.push({ kind: 'alterColumn', table, column, change: 'setNotNull', sql });
  }
  if (now.primaryKey.join(',') !== old.primaryKey.join(',')) steps.push({ kind: 'primaryKey', table, columns: now.primaryKey, sql });
  const recreated = new Set(rest.map((s) => new RegExp(`^CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+${NAME}`, 'i').exec(s)?.[1]).filter((n): n is string => n !== undefined).map(unquote));
  for (const index of before.indexes.values()) {
    if (index.table === table && !index.primaryKey && !recreated.has(index.name)) steps.push({ kind: 'dropIndex', table, index: index.name, sql });
  }
  if (steps.length === 0) steps.push({ kind: 'otherTableChange', table, sql });
  return steps;
}

/** The table a step works on, with index drops resolved through the database they run on. */
export function tableOfStep(step: Step, before: Catalog): string | undefined {
  switch (step.kind) {
    case 'dropIndex':
      return step.table ?? before.indexes.get(step.index)?.table;
    case 'recreateEnum':
    case 'other':
      return undefined;
    default:
      return step.table;
  }
}
