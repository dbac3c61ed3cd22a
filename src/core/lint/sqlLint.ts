import { type SqlComment, type SqlStatement, splitStatements } from './sqlStatements';

/** `generic` when the migrations folder names no provider: only the rules that hold everywhere. */
export type SqlDialect = 'sqlite' | 'postgresql' | 'mysql' | 'generic';
export type SqlSeverity = 'error' | 'warning' | 'info';

export interface SqlFinding {
  rule: SqlRuleId;
  severity: SqlSeverity;
  message: string;
  /** 1-based, where the statement starts. */
  line: number;
  column: number;
  /** The table a drop is about, and the columns it drops. */
  subject?: { table: string; columns?: string[] };
}

export const SQL_RULES = [
  'sql-drop-table',
  'sql-drop-column',
  'sql-not-null-without-default',
  'sql-index-without-concurrently',
  'sql-constraint-without-not-valid',
  'sql-column-type-change',
  'sql-enum-value-used-in-same-migration',
  'sql-truncate',
  'sql-cascade',
  'sql-mixed-schema-and-data',
] as const;

export type SqlRuleId = (typeof SQL_RULES)[number];

/** `-- prisma-migrations-disable-next-line <rule> [<rule>…]` silences those rules on the next statement. */
const DISABLE = /^prisma-migrations-disable-next-line\s+(.+)$/;

/** A quoted or bare SQL identifier, possibly schema-qualified; group 1 is the last part, unquoted. */
const NAME = String.raw`(?:(?:"[^"]+"|\x60[^\x60]+\x60|[\w$]+)\.)?(?:"([^"]+)"|\x60([^\x60]+)\x60|([\w$]+))`;

const name = (match: RegExpExecArray | null, group = 1): string | undefined => (match ? (match[group] ?? match[group + 1] ?? match[group + 2]) : undefined);

const DDL = /^(CREATE|ALTER|DROP|COMMENT|RENAME)\b/;
const DML = /^(INSERT|UPDATE|DELETE|MERGE)\b/;

/**
 * Lints a migration's SQL for the operations that lose data, lock tables or fail on populated tables:
 * what Prisma's own evaluation does not see because the user wrote or edited the SQL. SQLite's
 * table redefinition (copy into `new_T`, drop `T`, rename) is recognised and not reported as a drop.
 */
export function lintMigrationSql(script: string, dialect: SqlDialect): SqlFinding[] {
  const { statements, comments } = splitStatements(script);
  const redefined = redefinedTables(statements);
  const redefinedLower = new Set([...redefined].map((table) => table.toLowerCase()));
  const findings: SqlFinding[] = [];
  const report = (statement: SqlStatement, rule: SqlRuleId, severity: SqlSeverity, message: string, subject?: SqlFinding['subject']) =>
    findings.push({ rule, severity, message, line: statement.line, column: statement.column, ...(subject && { subject }) });

  // By value: each statement looks up its own strings, so the check stays linear in the script's length.
  const addedEnumValues = new Map<string, Array<{ type: string; order: number }>>();
  let addedCount = 0;
  let sawSchemaChange = false;
  let reportedMix = false;

  statements.forEach((statement) => {
    const { normalized: sql, text } = statement;
    if (DDL.test(sql)) sawSchemaChange = true;

    if (/^DROP TABLE\b/.test(sql)) {
      const table = name(new RegExp(String.raw`^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${NAME}`, 'i').exec(text));
      if (!table || !redefined.has(table)) report(statement, 'sql-drop-table', 'warning', `Drops the table${table ? ` "${table}"` : ''} and every row in it.`, table ? { table } : undefined);
    }
    if (/^ALTER TABLE\b.*\bDROP\b/.test(sql)) {
      const table = name(new RegExp(String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?${NAME}`, 'i').exec(text));
      const columns = [...text.matchAll(new RegExp(String.raw`\bDROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?${NAME}`, 'gi'))]
        .map((m) => m[1] ?? m[2] ?? m[3])
        .filter((column) => !/^(CONSTRAINT|INDEX|FOREIGN|PRIMARY|CHECK|DEFAULT|NOT)$/i.test(column));
      if (columns.length > 0) report(statement, 'sql-drop-column', 'warning', `Drops ${columns.map((c) => `"${c}"`).join(', ')} from "${table}" with its data.`, table ? { table, columns } : undefined);
    }
    if (/^ALTER TABLE\b/.test(sql) && addsBeforeNotNull(sql) && !/\bDEFAULT\b/.test(sql) && !/\bADD (CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|INDEX|CHECK)\b/.test(sql)) {
      report(statement, 'sql-not-null-without-default', 'error', 'Adds a NOT NULL column without a default: it fails on a table that has rows.');
    } else if (/^ALTER TABLE\b.*\bALTER (COLUMN )?\S+ SET NOT NULL\b/.test(sql)) {
      report(statement, 'sql-not-null-without-default', 'warning', 'Makes a column NOT NULL: it fails if any row holds NULL, and scans the whole table under a lock.');
    }
    if (dialect === 'postgresql' && /^(CREATE (UNIQUE )?INDEX|DROP INDEX)\b/.test(sql) && !/\bCONCURRENTLY\b/.test(sql)) {
      report(statement, 'sql-index-without-concurrently', 'warning', `${sql.startsWith('DROP') ? 'Drops' : 'Builds'} an index without CONCURRENTLY: writes to the table wait until it is done.`);
    }
    if (dialect === 'postgresql' && /^ALTER TABLE\b.*\bADD (CONSTRAINT \S+ )?(FOREIGN KEY|CHECK)\b/.test(sql) && !/\bNOT VALID\b/.test(sql)) {
      report(statement, 'sql-constraint-without-not-valid', 'warning', 'Adds a foreign key or CHECK without NOT VALID: every existing row is checked while writes wait. Add it NOT VALID, then VALIDATE CONSTRAINT separately.');
    }
    if (/^ALTER TABLE\b.*(\bALTER (COLUMN )?\S+ (SET DATA )?TYPE\b|\bMODIFY (COLUMN )?)/.test(sql)) {
      report(statement, 'sql-column-type-change', 'warning', "Changes a column's type: the table is rewritten under a lock, and values that do not convert make it fail.");
    }
    const used = [...new Set(statement.strings)].flatMap((value) => (addedEnumValues.get(value) ?? []).map((added) => ({ value, ...added })));
    for (const added of used.sort((a, b) => a.order - b.order)) {
      report(statement, 'sql-enum-value-used-in-same-migration', 'error', `Uses the enum value '${added.value}' added to "${added.type}" in this same migration: PostgreSQL refuses a new enum value before its transaction commits.`);
    }
    const enumValue = /^ALTER TYPE\b.*\bADD VALUE\b/.test(sql) ? statement.strings[0] : undefined;
    if (enumValue !== undefined) {
      const added = addedEnumValues.get(enumValue) ?? [];
      added.push({ type: name(new RegExp(String.raw`^ALTER\s+TYPE\s+${NAME}`, 'i').exec(text)) ?? '', order: addedCount++ });
      addedEnumValues.set(enumValue, added);
    }
    if (/^TRUNCATE\b/.test(sql)) report(statement, 'sql-truncate', 'warning', 'Deletes every row of the table.');
    if (/\bCASCADE\b/.test(sql) && /^(DROP|TRUNCATE|ALTER)\b/.test(sql)) {
      report(statement, 'sql-cascade', 'warning', 'CASCADE also drops or empties whatever depends on it, which this migration does not name.');
    }
    const copyTarget = redefined.size > 0 && /^INSERT INTO\b/.test(sql) ? /^INSERT\s+INTO\s+"new_([^"]+)"/i.exec(text)?.[1] : undefined;
    const isRedefinitionCopy = copyTarget !== undefined && redefinedLower.has(copyTarget.toLowerCase());
    if (DML.test(sql) && !isRedefinitionCopy && sawSchemaChange && !reportedMix) {
      reportedMix = true;
      report(statement, 'sql-mixed-schema-and-data', 'info', 'Mixes schema changes with data changes in one migration: if the data step fails halfway, the schema step may already be applied. Consider a separate migration.');
    }
  });

  const suppressed = suppressedRules(comments, statements);
  return findings.filter((finding) => {
    const rules = suppressed.get(finding.line);
    return !rules || !(rules.has(finding.rule) || rules.has('all'));
  });
}

/** `ADD ` somewhere before a `NOT NULL`: the first ADD against the last NOT NULL, without a backtracking `.*….*`. */
function addsBeforeNotNull(sql: string): boolean {
  const add = sql.search(/\bADD /);
  if (add < 0) return false;
  let lastNotNull = -1;
  for (const match of sql.matchAll(/\bNOT NULL\b/g)) lastNotNull = match.index;
  return lastNotNull > add;
}

/** Tables SQLite migrations rebuild: `ALTER TABLE "new_T" RENAME TO "T"` (the drop of T is not a data loss). */
function redefinedTables(statements: readonly SqlStatement[]): Set<string> {
  const tables = new Set<string>();
  for (const { text } of statements) {
    const match = new RegExp(String.raw`^ALTER\s+TABLE\s+"new_([^"]+)"\s+RENAME\s+TO\s+${NAME}`, 'i').exec(text);
    if (match && match[1] === name(match, 2)) tables.add(match[1]);
  }
  return tables;
}

/**
 * A disable comment silences its rules on the first statement that starts after it: the rules silenced
 * per statement line, found in one pass over both lists (each is in script order).
 */
function suppressedRules(comments: readonly SqlComment[], statements: readonly SqlStatement[]): Map<number, Set<string>> {
  const suppressed = new Map<number, Set<string>>();
  let next = 0;
  for (const comment of comments) {
    const rules = DISABLE.exec(comment.text)?.[1].split(/[\s,]+/);
    if (!rules) continue;
    while (next < statements.length && statements[next].line <= comment.line) next += 1;
    if (next === statements.length) break;
    const line = statements[next].line;
    const silenced = suppressed.get(line) ?? new Set<string>();
    for (const rule of rules) silenced.add(rule);
    suppressed.set(line, silenced);
  }
  return suppressed;
}
