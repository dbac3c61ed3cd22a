import type { SqlStatement } from '../lint/sqlStatements';

/** PostgreSQL's table lock modes, weakest first, as its documentation names them. */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;
export type LockMode = (typeof LOCK_MODES)[number] | 'SQLite write lock';

/** A lock a statement takes on a table, as predicted from what the statement is. */
export interface PredictedLock {
  table: string;
  mode: LockMode;
}

/** `AccessExclusiveLock` (pg_locks' name) → `ACCESS EXCLUSIVE`. */
export function lockModeName(pgLocksMode: string): LockMode {
  const words = pgLocksMode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
  return (LOCK_MODES as readonly string[]).includes(words) ? (words as LockMode) : LOCK_MODES[LOCK_MODES.length - 1];
}

export const lockStrength = (mode: LockMode): number => (LOCK_MODES as readonly string[]).indexOf(mode);

const NAME = String.raw`((?:"(?:[^"]|"")+"|[\w$]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[\w$]+))?)`;

/** `"public"."User"` → `public.User`; `user` → `user`. */
export function tableName(written: string): string {
  return written
    .split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((part) => (part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part))
    .join('.');
}

/** An ALTER TABLE with several actions takes the strongest lock any of them needs: ACCESS EXCLUSIVE unless each is one of the weaker ones. */
const ALTER_ACTIONS = /,\s*(?:ADD|DROP|ALTER|RENAME|SET|RESET|OWNER|VALIDATE|ENABLE|DISABLE|INHERIT|NO)\b/i;

/** Statement shapes and the lock PostgreSQL's documentation says each takes (Explicit Locking, table-level locks). */
const POSTGRES_CLASSES: ReadonlyArray<{ pattern: RegExp; mode: (LockMode & string) | ((sql: string) => LockMode) }> = [
  { pattern: new RegExp(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\b.*?\bON\s+(?:ONLY\s+)?${NAME}`, 'is'), mode: 'SHARE UPDATE EXCLUSIVE' },
  { pattern: new RegExp(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\bON\s+(?:ONLY\s+)?${NAME}`, 'is'), mode: 'SHARE' },
  {
    pattern: new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}`, 'is'),
    mode: (sql) =>
      ALTER_ACTIONS.test(sql)
        ? 'ACCESS EXCLUSIVE'
        : /\bFOREIGN\s+KEY\b/i.test(sql)
          ? 'SHARE ROW EXCLUSIVE'
          : /\b(?:VALIDATE\s+CONSTRAINT|SET\s+STATISTICS)\b/i.test(sql)
            ? 'SHARE UPDATE EXCLUSIVE'
            : 'ACCESS EXCLUSIVE',
  },
  { pattern: new RegExp(String.raw`^(?:DROP\s+TABLE|TRUNCATE(?:\s+TABLE)?)\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}`, 'is'), mode: 'ACCESS EXCLUSIVE' },
  { pattern: new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\b.*?\bON\s+${NAME}`, 'is'), mode: 'SHARE ROW EXCLUSIVE' },
  { pattern: new RegExp(String.raw`^(?:INSERT\s+INTO|UPDATE(?:\s+ONLY)?|DELETE\s+FROM(?:\s+ONLY)?|MERGE\s+INTO)\s+${NAME}`, 'is'), mode: 'ROW EXCLUSIVE' },
  { pattern: new RegExp(String.raw`^REFRESH\s+MATERIALIZED\s+VIEW\s+CONCURRENTLY\s+${NAME}`, 'is'), mode: 'EXCLUSIVE' },
  { pattern: new RegExp(String.raw`^REFRESH\s+MATERIALIZED\s+VIEW\s+${NAME}`, 'is'), mode: 'ACCESS EXCLUSIVE' },
];

/** The tables a SQLite statement writes: the one it names first (the statement's target). */
const SQLITE_TARGET = new RegExp(
  String.raw`^(?:ALTER\s+TABLE|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|CREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\bON)\s+${NAME}`,
  'is',
);

/**
 * The table locks a statement takes, by what kind of statement it is: where the database cannot be
 * watched (SQLite locks the whole file for any write; PostgreSQL outside a transaction releases its locks
 * before they can be read). A statement that creates a table locks nobody else's.
 */
export function predictedLocks(provider: 'sqlite' | 'postgresql', statement: Pick<SqlStatement, 'text'>): PredictedLock[] {
  const sql = statement.text.trim();
  if (provider === 'sqlite') {
    const target = SQLITE_TARGET.exec(sql)?.[1];
    return target === undefined ? [] : [{ table: tableName(target), mode: 'SQLite write lock' }];
  }
  for (const { pattern, mode } of POSTGRES_CLASSES) {
    const match = pattern.exec(sql);
    if (!match?.[1]) continue;
    const resolved = typeof mode === 'function' ? mode(sql) : mode;
    const locks: PredictedLock[] = [{ table: tableName(match[1]), mode: resolved }];
    // A foreign key locks the table it references too, to check the rows against it.
    const referenced = new RegExp(String.raw`\bREFERENCES\s+${NAME}`, 'is').exec(sql)?.[1];
    if (referenced !== undefined) locks.push({ table: tableName(referenced), mode: 'SHARE ROW EXCLUSIVE' });
    return locks;
  }
  return [];
}
