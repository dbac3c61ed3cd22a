import { quoteIdentifier, splitStatements } from '../lint/sqlStatements';

/*
 * What a migration does to the rows its tables already hold, read from its SQL: the statements a migration
 * test has something to check after (see scaffold.ts). Statements are split by the linter's splitter and
 * read token by token; bodies (DO blocks, functions) and CTEs are not looked into.
 */

/** A table as a statement names it: unquoted names folded to lower case, as PostgreSQL does. */
export interface TableName {
  schema?: string;
  name: string;
}

/** What the migration does to one column of a table that holds rows. */
export type ColumnChange =
  /** `UPDATE … SET` writes it from other columns or constants (a backfill). */
  | 'set'
  /** `UPDATE … SET` rewrites it from its own value. */
  | 'rewritten'
  /** `ALTER COLUMN … TYPE`: its values are converted. */
  | 'converted'
  /** `ALTER COLUMN … SET NOT NULL`: fails on a row where it is NULL. */
  | 'notNull'
  /** Dropped and added again: its values are gone unless a statement puts them back. */
  | 'readded';

export interface InsertedRows {
  /** 1-based line of the statement in the migration. */
  line: number;
  /** Its column list; undefined when it names none. */
  columns?: string[];
  /** The rows of a `VALUES` list, each value as written when it is a literal; undefined for `INSERT … SELECT`. */
  rows?: Array<Array<string | undefined>>;
}

export interface DeletedRows {
  line: number;
  /** The table (and its alias, and a `USING` list) as an assertion's FROM clause. */
  from: string;
  /** The condition as written; undefined when every row goes (no WHERE, TRUNCATE). */
  where?: string;
}

export interface DataChange {
  /** The table as the migration leaves it named. */
  table: TableName;
  /** Its name before the migration; undefined when the migration creates it. */
  before?: TableName;
  /** Its columns the migration writes, converts or constrains, by their names after the migration. */
  columns: Map<string, Set<ColumnChange>>;
  /** The type a converted column gets, by its name after the migration, as written. */
  types: Map<string, string>;
  /** Columns it drops, by their names before the migration. */
  dropped: string[];
  /** Columns it renames: name after the migration → name before it. */
  renamed: Map<string, string>;
  deletes: DeletedRows[];
  inserts: InsertedRows[];
  /**
   * Rebuilt by SQLite's table redefinition (copy into `new_T`, drop `T`, rename): every row is copied,
   * into these columns.
   */
  copied?: string[];
  /** Tables it reads rows from (`INSERT … SELECT … FROM`), as named there. */
  sources: TableName[];
  /** 1-based line of its first statement that changes rows. */
  line: number;
}

/** Why a migration gets no starter test: after its name. */
export const NO_ROW_CHANGES = 'changes no rows (no UPDATE, INSERT or DELETE, no column converted, dropped or made NOT NULL)';

/**
 * Whether a migration changes the rows its tables hold in a way a test can check after it: `UPDATE`,
 * `INSERT`, `DELETE` (and `TRUNCATE`), or an `ALTER TABLE` that converts (`… TYPE`), drops (`DROP COLUMN`)
 * or constrains (`SET NOT NULL`) columns that already hold values, or SQLite's redefinition that copies a
 * table. A dropped table leaves nothing to check; creating tables, indexes and columns changes no row.
 */
export function changesData(sql: string): boolean {
  return dataChanges(sql).length > 0;
}

/** Per table, in the order the migration first touches it, what it does to the rows (see changesData). */
export function dataChanges(sql: string): DataChange[] {
  const statements = splitStatements(sql).statements.map((statement) => ({ line: statement.line, text: statement.text, tokens: tokenize(statement.text) }));
  const redefined = redefinitions(statements.map((s) => s.tokens));
  const tables = new Map<string, TableState>();
  const ordered: TableState[] = [];
  const state = (table: TableName, created = false): TableState => {
    const key = keyOf(table);
    let found = tables.get(key);
    if (!found || created) {
      found = { change: { table, before: created ? undefined : table, columns: new Map(), types: new Map(), dropped: [], renamed: new Map(), deletes: [], inserts: [], sources: [], line: 0 }, added: new Set(), droppedNow: new Set(), gone: false };
      tables.set(key, found);
      ordered.push(found);
    }
    return found;
  };
  const rebuilt = (table: TableName): TableName | undefined => {
    const target = table.name.startsWith('new_') ? table.name.slice(4) : undefined;
    return target !== undefined && redefined.has(target.toLowerCase()) ? { ...table, name: target } : undefined;
  };

  for (const { line, text, tokens } of statements) {
    const reader = new TokenReader(tokens, text);
    if (reader.words('CREATE', 'TABLE')) {
      reader.words('IF', 'NOT', 'EXISTS');
      const table = reader.name();
      if (table && !rebuilt(table)) state(table, true);
    } else if (reader.words('DROP', 'TABLE')) {
      reader.words('IF', 'EXISTS');
      for (const table of reader.nameList()) if (!redefined.has(table.name.toLowerCase())) state(table).gone = true;
    } else if (reader.words('ALTER', 'TABLE')) {
      reader.words('IF', 'EXISTS');
      reader.words('ONLY');
      const table = reader.name();
      if (!table || rebuilt(table)) continue;
      const altered = state(table);
      alterTable(altered, reader, line, (from, to) => {
        tables.delete(keyOf(from));
        tables.set(keyOf(to), altered);
      });
    } else if (reader.words('UPDATE')) {
      if (reader.words('OR')) reader.next();
      reader.words('ONLY');
      const table = reader.name();
      if (table) update(state(table), reader, line);
    } else if (reader.words('INSERT') || reader.words('REPLACE')) {
      if (reader.words('OR')) reader.next();
      reader.words('INTO');
      const table = reader.name();
      if (!table) continue;
      const target = rebuilt(table);
      if (target) copy(state(target), reader, line);
      else insert(state(table), reader, line);
    } else if (reader.words('DELETE', 'FROM')) {
      reader.words('ONLY');
      const table = reader.name();
      if (table) remove(state(table), reader, line);
    } else if (reader.words('TRUNCATE')) {
      reader.words('TABLE');
      reader.words('ONLY');
      for (const table of reader.nameList()) {
        const truncated = state(table);
        truncated.change.deletes.push({ line, from: quoteTable(table) });
        mark(truncated, line);
      }
    }
  }
  return ordered.filter((s) => !s.gone && tables.get(keyOf(s.change.table)) === s && s.change.line > 0).map((s) => s.change);
}

interface TableState {
  change: DataChange;
  /** Columns added by this migration (their rows hold no values of their own yet). */
  added: Set<string>;
  /** Columns dropped by this migration, by their current names: adding one again is `readded`. */
  droppedNow: Set<string>;
  /** Dropped by the migration: nothing of it is left to check. */
  gone: boolean;
}

function mark(state: TableState, line: number): void {
  if (state.change.line === 0) state.change.line = line;
}

function changeColumn(state: TableState, column: string, kind: ColumnChange, line: number): void {
  const kinds = state.change.columns.get(column) ?? new Set<ColumnChange>();
  kinds.add(kind);
  state.change.columns.set(column, kinds);
  mark(state, line);
}

const CONSTRAINT_WORDS = new Set(['CONSTRAINT', 'PRIMARY', 'FOREIGN', 'UNIQUE', 'CHECK', 'INDEX', 'KEY', 'EXCLUDE']);

/** The actions of an `ALTER TABLE`, separated by top-level commas. */
function alterTable(state: TableState, reader: TokenReader, line: number, renameTable: (from: TableName, to: TableName) => void): void {
  for (const action of reader.split(',')) {
    if (action.words('RENAME', 'TO')) {
      const to = action.name();
      if (to) {
        const from = state.change.table;
        const schema = to.schema ?? from.schema;
        state.change.table = schema === undefined ? to : { schema, name: to.name };
        renameTable(from, state.change.table);
      }
    } else if (action.words('RENAME')) {
      if (action.words('CONSTRAINT')) continue;
      action.words('COLUMN');
      const from = action.identifier();
      const to = action.words('TO') ? action.identifier() : undefined;
      if (from !== undefined && to !== undefined) renameColumn(state, from, to);
    } else if (action.words('DROP')) {
      if (action.peekWord(CONSTRAINT_WORDS)) continue;
      action.words('COLUMN');
      action.words('IF', 'EXISTS');
      const column = action.identifier();
      if (column === undefined) continue;
      state.change.columns.delete(column);
      state.change.types.delete(column);
      if (state.added.delete(column)) continue;
      state.droppedNow.add(column);
      if (state.change.before) {
        state.change.dropped.push(state.change.renamed.get(column) ?? column);
        mark(state, line);
      }
    } else if (action.words('ADD')) {
      if (action.peekWord(CONSTRAINT_WORDS)) continue;
      action.words('COLUMN');
      action.words('IF', 'NOT', 'EXISTS');
      const column = action.identifier();
      if (column === undefined) continue;
      if (state.droppedNow.delete(column)) {
        const original = state.change.renamed.get(column) ?? column;
        state.change.dropped = state.change.dropped.filter((name) => name !== original);
        changeColumn(state, column, 'readded', line);
      } else {
        state.added.add(column);
      }
    } else if (action.words('ALTER')) {
      action.words('COLUMN');
      const column = action.identifier();
      if (column === undefined || state.added.has(column) || !state.change.before) continue;
      if (action.words('SET', 'DATA', 'TYPE') || action.words('TYPE')) {
        state.change.types.set(column, action.rest(['USING', 'COLLATE']));
        changeColumn(state, column, 'converted', line);
      } else if (action.words('SET', 'NOT', 'NULL')) {
        changeColumn(state, column, 'notNull', line);
      }
    }
  }
}

function renameColumn(state: TableState, from: string, to: string): void {
  const move = <T>(map: Map<string, T>) => {
    const value = map.get(from);
    if (value === undefined) return;
    map.delete(from);
    map.set(to, value);
  };
  move(state.change.columns);
  move(state.change.types);
  if (state.added.delete(from)) state.added.add(to);
  state.change.renamed.set(to, state.change.renamed.get(from) ?? from);
  state.change.renamed.delete(from);
}

/** `UPDATE t [AS a] SET c = …, (d, e) = … [FROM …] [WHERE …]`: each column set, and whether it is set from itself. */
function update(state: TableState, reader: TokenReader, line: number): void {
  if (!reader.skipTo('SET')) return;
  const assignments = reader.until(['FROM', 'WHERE', 'RETURNING']);
  for (const assignment of assignments.split(',')) {
    const targets = assignment.peekSymbol('(') ? assignment.group().identifiers() : [assignment.identifier()].filter((c): c is string => c !== undefined);
    if (!assignment.symbol('=')) continue;
    const expression = new Set(assignment.identifiers());
    for (const column of targets) changeColumn(state, column, expression.has(column) ? 'rewritten' : 'set', line);
  }
}

/** `INSERT INTO t [(c, …)] VALUES (…), … | SELECT …`. */
function insert(state: TableState, reader: TokenReader, line: number): void {
  if (reader.words('AS')) reader.identifier();
  const columns = reader.peekSymbol('(') && !reader.peekSubquery() ? reader.group().identifiers() : undefined;
  const inserted: InsertedRows = { line, ...(columns && { columns }) };
  if (reader.words('VALUES')) {
    inserted.rows = reader.until(['ON', 'RETURNING']).split(',').map((row) => (row.peekSymbol('(') ? row.group().split(',').map((value) => value.literal()) : []));
  } else {
    state.change.sources.push(...reader.tablesAfter('FROM', 'JOIN'));
  }
  state.change.inserts.push(inserted);
  mark(state, line);
}

/** SQLite's redefinition copy: `INSERT INTO "new_T" (c, …) SELECT … FROM "T"`. */
function copy(state: TableState, reader: TokenReader, line: number): void {
  const columns = reader.peekSymbol('(') ? reader.group().identifiers() : [];
  state.change.copied = [...(state.change.copied ?? []), ...columns];
  mark(state, line);
}

/** `DELETE FROM t [[AS] a] [USING …] [WHERE …]`. */
function remove(state: TableState, reader: TokenReader, line: number): void {
  let from = quoteTable(state.change.table);
  if (reader.words('AS')) {
    const alias = reader.identifier();
    if (alias) from += ` ${quoteIdentifier(alias)}`;
  } else if (reader.peekIdentifier() && !reader.peekWord(new Set(['USING', 'WHERE', 'RETURNING']))) {
    from += ` ${quoteIdentifier(reader.identifier()!)}`;
  }
  if (reader.words('USING')) from += `, ${reader.until(['WHERE', 'RETURNING']).text()}`;
  const where = reader.words('WHERE') ? reader.until(['RETURNING']).text() : undefined;
  state.change.deletes.push({ line, from, ...(where && { where }) });
  mark(state, line);
}

/** Tables SQLite migrations rebuild: `ALTER TABLE "new_T" RENAME TO "T"` (lower-cased names). */
function redefinitions(statements: readonly Token[][]): Set<string> {
  const found = new Set<string>();
  for (const tokens of statements) {
    const reader = new TokenReader(tokens, '');
    if (!reader.words('ALTER', 'TABLE')) continue;
    const from = reader.name();
    const to = reader.words('RENAME', 'TO') ? reader.name() : undefined;
    if (from && to && from.name.toLowerCase() === `new_${to.name.toLowerCase()}`) found.add(to.name.toLowerCase());
  }
  return found;
}

const keyOf = (table: TableName) => `${table.schema?.toLowerCase() ?? ''}.${table.name.toLowerCase()}`;

export function quoteTable(table: TableName): string {
  return table.schema === undefined ? quoteIdentifier(table.name) : `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

// ---- Tokens ---------------------------------------------------------------------------------------------

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'symbol';
  /** A word as written, a quoted identifier unquoted, a string or number as written, a symbol's characters. */
  value: string;
  start: number;
  end: number;
  /** How many parentheses are open around it (a parenthesis itself counts as outside). */
  depth: number;
}

/** The tokens of one statement: comments are skipped, strings and quoted identifiers are single tokens. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const push = (kind: Token['kind'], start: number, end: number, value = sql.slice(start, end)) => tokens.push({ kind, value, start, end, depth });
  while (i < sql.length) {
    const char = sql[i]!;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && sql[i + 1] === '*') {
      let level = 1;
      i += 2;
      while (i < sql.length && level > 0) {
        if (sql.startsWith('/*', i)) (level += 1), (i += 2);
        else if (sql.startsWith('*/', i)) (level -= 1), (i += 2);
        else i += 1;
      }
    } else if (char === "'") {
      const end = closing(sql, i, "'");
      push('string', i, end);
      i = end;
    } else if (char === '"' || char === '`') {
      const end = closing(sql, i, char);
      push('quoted', i, end, sql.slice(i + 1, end - 1).split(char + char).join(char));
      i = end;
    } else if (char === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(sql.slice(i))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(sql.slice(i))![0];
      const close = sql.indexOf(tag, i + tag.length);
      const end = close === -1 ? sql.length : close + tag.length;
      push('string', i, end);
      i = end;
    } else if (/[A-Za-z_]/.test(char)) {
      const end = i + /^[\w$]*/.exec(sql.slice(i + 1))![0].length + 1;
      push('word', i, end);
      i = end;
    } else if (/\d/.test(char) || (char === '.' && /\d/.test(sql[i + 1] ?? ''))) {
      const end = i + /^\d*\.?\d*(?:[eE][+-]?\d+)?/.exec(sql.slice(i))![0].length;
      push('number', i, Math.max(end, i + 1));
      i = Math.max(end, i + 1);
    } else if (char === '(') {
      push('symbol', i, i + 1);
      depth += 1;
      i += 1;
    } else if (char === ')') {
      depth = Math.max(0, depth - 1);
      push('symbol', i, i + 1);
      i += 1;
    } else {
      const two = sql.slice(i, i + 2);
      const width = two === '::' || two === '<>' || two === '!=' || two === '<=' || two === '>=' || two === '||' ? 2 : 1;
      push('symbol', i, i + width);
      i += width;
    }
  }
  return tokens;
}

/** Where a quoted token that starts at `start` ends (after its closing quote; a doubled quote is inside). */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

const LITERAL_WORDS = new Set(['NULL', 'TRUE', 'FALSE']);

/** Words that follow a table in a FROM list, where an alias would. */
const AFTER_TABLE = new Set(['WHERE', 'JOIN', 'ON', 'USING', 'GROUP', 'ORDER', 'LIMIT', 'LEFT', 'INNER', 'RIGHT', 'CROSS', 'FULL', 'NATURAL', 'UNION', 'EXCEPT', 'INTERSECT', 'HAVING', 'WINDOW', 'RETURNING']);

/** A cursor over tokens at one parenthesis depth (the first token's). */
class TokenReader {
  private index = 0;
  private readonly depth: number;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly sql: string,
  ) {
    this.depth = tokens[0]?.depth ?? 0;
  }

  private get current(): Token | undefined {
    return this.tokens[this.index];
  }

  next(): Token | undefined {
    return this.tokens[this.index++];
  }

  /** Consumes these words in order (case-insensitive) when they come next; otherwise consumes nothing. */
  words(...expected: string[]): boolean {
    const matches = expected.every((word, offset) => {
      const token = this.tokens[this.index + offset];
      return token?.kind === 'word' && token.value.toUpperCase() === word;
    });
    if (matches) this.index += expected.length;
    return matches;
  }

  peekWord(words: ReadonlySet<string>): boolean {
    return this.current?.kind === 'word' && words.has(this.current.value.toUpperCase());
  }

  peekSymbol(symbol: string): boolean {
    return this.current?.kind === 'symbol' && this.current.value === symbol;
  }

  symbol(symbol: string): boolean {
    if (!this.peekSymbol(symbol)) return false;
    this.index += 1;
    return true;
  }

  peekIdentifier(): boolean {
    return this.current?.kind === 'word' || this.current?.kind === 'quoted';
  }

  /** `(SELECT …` or `(WITH …`: a subquery rather than a column list. */
  peekSubquery(): boolean {
    const after = this.tokens[this.index + 1];
    return after?.kind === 'word' && /^(SELECT|WITH|VALUES)$/i.test(after.value);
  }

  /** An identifier: a quoted one as written, a bare one folded to lower case (PostgreSQL's rule; SQLite ignores case). */
  identifier(): string | undefined {
    const token = this.current;
    if (token?.kind === 'quoted') {
      this.index += 1;
      return token.value;
    }
    if (token?.kind === 'word') {
      this.index += 1;
      return token.value.toLowerCase();
    }
    return undefined;
  }

  /** A table name, `schema.table` or `table`. */
  name(): TableName | undefined {
    const first = this.identifier();
    if (first === undefined) return undefined;
    if (!this.symbol('.')) return { name: first };
    const second = this.identifier();
    return second === undefined ? { name: first } : { schema: first, name: second };
  }

  nameList(): TableName[] {
    const names: TableName[] = [];
    for (let name = this.name(); name; name = this.symbol(',') ? this.name() : undefined) names.push(name);
    return names;
  }

  /** Moves past the next `word` at this depth; false when there is none. */
  skipTo(word: string): boolean {
    while (this.current) {
      const token = this.next()!;
      if (token.depth === this.depth && token.kind === 'word' && token.value.toUpperCase() === word) return true;
    }
    return false;
  }

  /** The tokens up to one of `words` at this depth (or the end), as a reader; this one moves to that word. */
  until(words: readonly string[]): TokenReader {
    const start = this.index;
    while (this.current && !(this.current.depth === this.depth && this.current.kind === 'word' && words.includes(this.current.value.toUpperCase()))) this.index += 1;
    return new TokenReader(this.tokens.slice(start, this.index), this.sql);
  }

  /** The rest split at `symbol` on this depth, each part a reader. */
  split(symbol: string): TokenReader[] {
    const parts: TokenReader[] = [];
    let start = this.index;
    for (; this.index <= this.tokens.length; this.index += 1) {
      const token = this.tokens[this.index];
      if (token && !(token.depth === this.depth && token.kind === 'symbol' && token.value === symbol)) continue;
      if (this.index > start) parts.push(new TokenReader(this.tokens.slice(start, this.index), this.sql));
      start = this.index + 1;
    }
    return parts;
  }

  /** What is inside the parentheses that open here, as a reader; this one moves past them. */
  group(): TokenReader {
    const open = this.next()!;
    const start = this.index;
    while (this.current && !(this.current.depth === open.depth && this.current.value === ')')) this.index += 1;
    const inside = new TokenReader(this.tokens.slice(start, this.index), this.sql);
    this.index += 1;
    return inside;
  }

  /** Every identifier in the rest, at any depth. */
  identifiers(): string[] {
    return this.tokens.slice(this.index).flatMap((token) => (token.kind === 'quoted' ? [token.value] : token.kind === 'word' ? [token.value.toLowerCase()] : []));
  }

  /**
   * The value as written when the rest is one literal: a string, a number (signed), NULL, TRUE or FALSE,
   * with a cast (`::"Role"`) allowed after it.
   */
  literal(): string | undefined {
    const rest = this.tokens.slice(this.index);
    let length = 0;
    if (rest[0]?.kind === 'symbol' && (rest[0].value === '-' || rest[0].value === '+') && rest[1]?.kind === 'number') length = 2;
    else if (rest[0]?.kind === 'string' || rest[0]?.kind === 'number' || (rest[0]?.kind === 'word' && LITERAL_WORDS.has(rest[0].value.toUpperCase()))) length = 1;
    else return undefined;
    const cast = rest.slice(length);
    if (cast.length > 0 && !(cast[0]!.value === '::' && cast.slice(1).every((token) => token.kind !== 'string' && token.value !== ','))) return undefined;
    return this.sql.slice(rest[0]!.start, rest.at(-1)!.end);
  }

  /** The rest as written, up to one of `stop` at this depth. */
  rest(stop: readonly string[] = []): string {
    return this.until(stop).text();
  }

  /** The tokens of this reader as written. */
  text(): string {
    const rest = this.tokens.slice(this.index);
    return rest.length === 0 ? '' : this.sql.slice(rest[0]!.start, rest.at(-1)!.end);
  }

  /** The tables named after any of `words` in the rest, at any depth (a SELECT's FROM list and JOINs). */
  tablesAfter(...words: string[]): TableName[] {
    const found: TableName[] = [];
    while (this.current) {
      const token = this.next()!;
      if (token.kind !== 'word' || !words.includes(token.value.toUpperCase())) continue;
      do {
        const table = this.name();
        if (!table) break;
        found.push(table);
        if (this.words('AS') || (this.peekIdentifier() && !this.peekWord(AFTER_TABLE))) this.identifier();
      } while (this.symbol(','));
    }
    return found;
  }
}
