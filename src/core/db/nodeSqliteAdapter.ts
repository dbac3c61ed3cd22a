import type { DatabaseSync, SQLInputValue, SQLOutputValue } from 'node:sqlite';
import {
  type ArgType,
  type ColumnType,
  ColumnTypeEnum,
  DriverAdapterError,
  type IsolationLevel,
  type MappedError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';

export type NodeSqlite = typeof import('node:sqlite');

/**
 * Node's built-in SQLite where it has what the adapter needs (column metadata and rows as arrays, Node ≥
 * 22.16: VS Code ≥ 1.103's extension host), else undefined (Node 20).
 */
export function loadNodeSqlite(): NodeSqlite | undefined {
  // Node 22 warns, once, that SQLite is experimental as it loads: nothing the users of the CLI can act on.
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    if (!String(warning).startsWith('SQLite is an experimental feature')) Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  let sqlite: NodeSqlite | undefined;
  try {
    sqlite = process.getBuiltinModule('node:sqlite') as NodeSqlite | undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
  const statement = sqlite?.StatementSync.prototype;
  return typeof statement?.columns === 'function' && typeof statement.setReturnArrays === 'function' ? sqlite : undefined;
}

const ADAPTER_NAME = 'node:sqlite';

/**
 * A Prisma driver adapter over `node:sqlite` that answers as `@prisma/adapter-libsql` 7.10 does — the same
 * column types, values and error kinds, error messages worded as libsql's client words them — so that the
 * engine and this project's SQLite handling behave alike on either driver. Integers beyond 2^53 read as
 * strings (libsql's own client throws; libsqlDriver.ts reads them so too). Unlike libsql's client it keeps
 * one connection for its life: a transaction runs on it while the adapter's other calls wait, and
 * `dispose` closes it at once.
 */
export class PrismaNodeSqlite implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'sqlite';
  readonly adapterName = ADAPTER_NAME;

  constructor(
    private readonly sqlite: NodeSqlite,
    private readonly filePath: string,
    private readonly options: { readOnly?: boolean } = {},
  ) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.open(this.filePath, this.options.readOnly ?? false);
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.open(':memory:', false);
  }

  private async open(location: string, readOnly: boolean): Promise<SqlDriverAdapter> {
    try {
      // Newer Node turns SQLite's defensive flag on, which refuses `PRAGMA writable_schema` (libsql allows it).
      return new NodeSqliteAdapter(new this.sqlite.DatabaseSync(location, { readOnly, defensive: false }));
    } catch (error) {
      throw driverError(error);
    }
  }
}

abstract class NodeSqliteQueryable implements SqlQueryable {
  readonly provider = 'sqlite';
  readonly adapterName = ADAPTER_NAME;

  constructor(protected readonly db: DatabaseSync) {}

  /** Resolves when a statement may run on the connection. */
  protected abstract ready(): Promise<void>;

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    await this.ready();
    const { columns, rows } = this.perform(query);
    const columnTypes = columnTypesOf(columns.map((column) => column.type), rows);
    return { columnNames: columns.map((column) => column.name), columnTypes, rows: rows.map((row) => resultRow(row, columnTypes)) };
  }

  /** As libsql: a statement that returns rows reports 0 rows affected. */
  async executeRaw(query: SqlQuery): Promise<number> {
    await this.ready();
    return this.perform(query).changes;
  }

  private perform(query: SqlQuery): { columns: Array<{ name: string; type: string | null }>; rows: Row[]; changes: number } {
    try {
      const statement = this.db.prepare(query.sql);
      statement.setReadBigInts(true);
      statement.setReturnArrays(true);
      const args = query.args.map((arg, i) => sqlArg(arg, query.argTypes[i]));
      const columns = statement.columns();
      if (columns.length > 0) return { columns, rows: (statement.all(...args) as Row[]).map((row) => row.map(narrowInteger)), changes: 0 };
      return { columns, rows: [], changes: Number(statement.run(...args).changes) };
    } catch (error) {
      throw driverError(error);
    }
  }
}

class NodeSqliteAdapter extends NodeSqliteQueryable implements SqlDriverAdapter {
  /** Set while a transaction is open: its statements and the adapter's share the one connection, so the adapter's wait. */
  private transactionEnd: Promise<void> | undefined;

  protected async ready(): Promise<void> {
    while (this.transactionEnd) await this.transactionEnd;
  }

  /** As libsql: a script that leaves a transaction open is rolled back. */
  async executeScript(script: string): Promise<void> {
    await this.ready();
    try {
      this.db.exec(script);
    } catch (error) {
      throw driverError(error);
    } finally {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
    }
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== 'SERIALIZABLE') throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level: isolationLevel });
    await this.ready();
    try {
      this.db.exec('BEGIN DEFERRED');
    } catch (error) {
      throw driverError(error);
    }
    let end!: () => void;
    const transactionEnd = new Promise<void>((resolve) => (end = resolve));
    this.transactionEnd = transactionEnd;
    return new NodeSqliteTransaction(this.db, () => {
      if (this.transactionEnd === transactionEnd) this.transactionEnd = undefined;
      end();
    });
  }

  async dispose(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}

class NodeSqliteTransaction extends NodeSqliteQueryable implements Transaction {
  // The adapter has sent BEGIN: the engine sends no statement of its own to open the transaction.
  readonly options = { usePhantomQuery: true };
  private ended = false;

  constructor(
    db: DatabaseSync,
    private readonly onEnd: () => void,
  ) {
    super(db);
  }

  protected async ready(): Promise<void> {
    // After COMMIT or ROLLBACK the connection is the adapter's again: a late statement must not run outside the transaction.
    if (this.ended) throw new DriverAdapterError({ kind: 'TransactionAlreadyClosed', cause: 'The transaction has already been committed or rolled back.' });
  }

  async commit(): Promise<void> {
    await this.ready();
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      throw driverError(error);
    } finally {
      // A COMMIT that fails (a busy file) leaves the transaction open: the adapter gets its connection back without it.
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      this.end();
    }
  }

  /** As libsql: a rollback that fails (SQLite already rolled back) is no error. */
  async rollback(): Promise<void> {
    if (this.ended) return;
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // Nothing left to undo.
    } finally {
      this.end();
    }
  }

  async createSavepoint(name: string): Promise<void> {
    await this.executeRaw({ sql: `SAVEPOINT ${name}`, args: [], argTypes: [] });
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.executeRaw({ sql: `ROLLBACK TO ${name}`, args: [], argTypes: [] });
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.executeRaw({ sql: `RELEASE SAVEPOINT ${name}`, args: [], argTypes: [] });
  }

  private end(): void {
    this.ended = true;
    this.onEnd();
  }
}

type Row = SQLOutputValue[];

/** Integers are read as bigints so that none fails to read; those a number holds exactly become numbers, as libsql gives them. */
export function narrowInteger<T>(value: T): T | number {
  return typeof value === 'bigint' && value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value;
}

/** Declared column types → Prisma's column types, as quaint's SQLite connector and @prisma/adapter-libsql map them. */
const DECLARED_TYPES: Record<string, ColumnType> = {
  DECIMAL: ColumnTypeEnum.Numeric,
  FLOAT: ColumnTypeEnum.Float,
  DOUBLE: ColumnTypeEnum.Double,
  'DOUBLE PRECISION': ColumnTypeEnum.Double,
  NUMERIC: ColumnTypeEnum.Double,
  REAL: ColumnTypeEnum.Double,
  TINYINT: ColumnTypeEnum.Int32,
  SMALLINT: ColumnTypeEnum.Int32,
  MEDIUMINT: ColumnTypeEnum.Int32,
  INT: ColumnTypeEnum.Int32,
  INTEGER: ColumnTypeEnum.Int32,
  SERIAL: ColumnTypeEnum.Int32,
  INT2: ColumnTypeEnum.Int32,
  BIGINT: ColumnTypeEnum.Int64,
  'UNSIGNED BIG INT': ColumnTypeEnum.Int64,
  INT8: ColumnTypeEnum.Int64,
  DATETIME: ColumnTypeEnum.DateTime,
  TIMESTAMP: ColumnTypeEnum.DateTime,
  TIME: ColumnTypeEnum.Time,
  DATE: ColumnTypeEnum.Date,
  TEXT: ColumnTypeEnum.Text,
  CLOB: ColumnTypeEnum.Text,
  CHARACTER: ColumnTypeEnum.Text,
  VARCHAR: ColumnTypeEnum.Text,
  'VARYING CHARACTER': ColumnTypeEnum.Text,
  NCHAR: ColumnTypeEnum.Text,
  'NATIVE CHARACTER': ColumnTypeEnum.Text,
  NVARCHAR: ColumnTypeEnum.Text,
  BLOB: ColumnTypeEnum.Bytes,
  BOOLEAN: ColumnTypeEnum.Boolean,
  JSONB: ColumnTypeEnum.Json,
};

/** A column with no known declared type (an expression, `VARCHAR(20)`) takes the type of its first non-null value; all null: Int32. */
function columnTypesOf(declared: Array<string | null>, rows: Row[]): ColumnType[] {
  return declared.map((type, index) => {
    const known = DECLARED_TYPES[(type ?? '').toUpperCase()];
    if (known !== undefined) return known;
    const value = rows.find((row) => row[index] !== null)?.[index];
    if (value === undefined || value === null) return ColumnTypeEnum.Int32;
    if (typeof value === 'string') return ColumnTypeEnum.Text;
    if (typeof value === 'bigint') return ColumnTypeEnum.Int64;
    if (typeof value === 'number') return ColumnTypeEnum.UnknownNumber;
    return ColumnTypeEnum.Bytes;
  });
}

function resultRow(row: Row, columnTypes: ColumnType[]): unknown[] {
  return row.map((value, i) => {
    const type = columnTypes[i];
    if (typeof value === 'number' && (type === ColumnTypeEnum.Int32 || type === ColumnTypeEnum.Int64) && !Number.isInteger(value)) return Math.trunc(value);
    // Timestamps stored as Unix milliseconds, as Prisma's native SQLite connector writes them.
    if ((typeof value === 'number' || typeof value === 'bigint') && type === ColumnTypeEnum.DateTime) return new Date(Number(value)).toISOString();
    if (typeof value === 'bigint') return value.toString();
    return value;
  });
}

/** A query argument as SQLite stores it, converted as @prisma/adapter-libsql and libsql's client convert it. */
function sqlArg(arg: unknown, argType: ArgType | undefined): SQLInputValue {
  if (arg === null) return null;
  if (typeof arg === 'string') {
    if (argType?.scalarType === 'bigint') return BigInt(arg);
    if (argType?.scalarType === 'decimal') return Number.parseFloat(arg);
    if (argType?.scalarType === 'datetime') return sqlDate(new Date(arg));
    if (argType?.scalarType === 'bytes') return Buffer.from(arg, 'base64');
    return arg;
  }
  if (arg instanceof Date) return sqlDate(arg);
  if (typeof arg === 'boolean') return arg ? 1 : 0;
  // node:sqlite would store NaN as NULL.
  if (typeof arg === 'number' && !Number.isFinite(arg)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
  if (arg instanceof ArrayBuffer) return new Uint8Array(arg);
  if (arg === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return arg as SQLInputValue;
}

function sqlDate(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** SQLite's primary result codes (the low byte of an extended code) by name, as libsql's client prefixes its messages with them. */
const RESULT_CODES = [
  'SQLITE_OK',
  'SQLITE_ERROR',
  'SQLITE_INTERNAL',
  'SQLITE_PERM',
  'SQLITE_ABORT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_NOMEM',
  'SQLITE_READONLY',
  'SQLITE_INTERRUPT',
  'SQLITE_IOERR',
  'SQLITE_CORRUPT',
  'SQLITE_NOTFOUND',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_EMPTY',
  'SQLITE_SCHEMA',
  'SQLITE_TOOBIG',
  'SQLITE_CONSTRAINT',
  'SQLITE_MISMATCH',
  'SQLITE_MISUSE',
  'SQLITE_NOLFS',
  'SQLITE_AUTH',
  'SQLITE_FORMAT',
  'SQLITE_RANGE',
  'SQLITE_NOTADB',
  'SQLITE_NOTICE',
  'SQLITE_WARNING',
];

const SQLITE_BUSY = 5;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_NOTNULL = 1299;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_TRIGGER = 1811;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** A SQLite error as a DriverAdapterError; anything else (a value that cannot be bound, a closed database) as it is. */
function driverError(error: unknown): unknown {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'ERR_SQLITE_ERROR' || typeof errcode !== 'number') return error;
  const primary = errcode & 0xff;
  const message = `${RESULT_CODES[primary] ?? `SQLITE_UNKNOWN_${primary}`}: ${error.message}`;
  return new DriverAdapterError({ originalCode: String(errcode), originalMessage: message, ...mappedError(errcode, message) });
}

/**
 * As @prisma/adapter-libsql 7.10 maps them. Its checks for messages starting "no such table" or "no such
 * column" never match libsql's prefixed messages, so those stay `sqlite` errors on both drivers (sqlite.ts
 * maps the missing table for the engine).
 */
function mappedError(errcode: number, message: string): MappedError {
  // `table.column, table.column` after the constraint's name.
  const columns = message.split('constraint failed: ').at(1)?.split(', ');
  const constraint = columns && { fields: columns.map((column) => column.split('.').pop()!) };
  switch (errcode) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return { kind: 'UniqueConstraintViolation', constraint, table: columns?.[0].split('.').slice(0, -1).join('.') || undefined };
    case SQLITE_CONSTRAINT_NOTNULL:
      return { kind: 'NullConstraintViolation', constraint };
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_TRIGGER:
      return { kind: 'ForeignKeyConstraintViolation', constraint: { foreignKey: {} } };
  }
  if ((errcode & 0xff) === SQLITE_BUSY) return { kind: 'SocketTimeout' };
  const column = message.split('has no column named ').at(1);
  if (column !== undefined) return { kind: 'ColumnNotFound', column };
  return { kind: 'sqlite', extendedCode: errcode, message };
}
