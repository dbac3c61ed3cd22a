import { requiredExtensions } from '../db/extensions';
import { splitStatements } from '../lint/sqlStatements';
import type { LocalMigration } from '../types';
import { createdIndexName, withoutConcurrently } from './indexStatements';

/**
 * A statement of a replaced migration that the engine's schema diff does not reproduce (rows, extensions,
 * grants, comments, functions, triggers, views, policies, anything not recognised as schema): a history
 * rewrite carries it into the new migration, or refuses.
 */
export interface CarriedStatement {
  migration: string;
  /** 1-based line in its migration.sql. */
  line: number;
  /** As written, with its `;`. */
  sql: string;
  /**
   * Extensions go before the schema diff (its columns and defaults may need them); an index the engine's
   * diff does not reproduce takes the place of the engine's rendering of it, or its place among the rest,
   * which go after the diff.
   */
  placement: 'before' | 'index' | 'after';
  /** For an index, its name as the catalog has it. */
  index?: string;
}

/** Statements the engine's diff rebuilds (tables, columns, indexes, enums, foreign keys) or that leave nothing behind. */
const SCHEMA: readonly RegExp[] = [
  /^CREATE (?:UNIQUE )?INDEX /,
  /^(?:DROP|ALTER) INDEX /,
  /^(?:CREATE|DROP) TABLE /,
  /^ALTER TABLE /,
  /^CREATE TYPE \S+ AS ENUM\b/,
  /^(?:ALTER|DROP) TYPE /,
  /^(?:CREATE|DROP) SCHEMA /,
  // The engine's SQLite table redefinition; the rows it copies are the table's own.
  /^PRAGMA (?:FOREIGN_KEYS|DEFER_FOREIGN_KEYS|FOREIGN_KEY_CHECK)\b/,
  /^INSERT INTO "NEW_([^"]+)" (?:\([^)]*\) )?SELECT .* FROM "\1"$/,
  // Transaction control: what it wraps is classified on its own.
  /^(?:BEGIN|COMMIT|END|START TRANSACTION|ROLLBACK)(?: TRANSACTION| WORK)?$/,
];

/** `ALTER TABLE` clauses the engine's diff does not know: row-level security, trigger switches, owners, check and exclusion constraints. */
const NOT_SCHEMA_ALTER = /\b(?:ROW LEVEL SECURITY|(?:ENABLE|DISABLE) (?:ALWAYS |REPLICA )?(?:TRIGGER|RULE)|OWNER TO|CHECK ?\(|EXCLUDE\b|REPLICA IDENTITY|CLUSTER ON|SET \()/;

const EXTENSION = /^(?:CREATE|DROP|ALTER) EXTENSION /;

function isSchema(normalized: string): boolean {
  if (normalized.startsWith('ALTER TABLE ') && NOT_SCHEMA_ALTER.test(normalized)) return false;
  return SCHEMA.some((pattern) => pattern.test(normalized));
}

/**
 * The statements of `migrations` the engine's schema diff does not reproduce, in order; with `indexes`, also
 * the statements that last create those indexes (hand-written partial, expression, INCLUDE or operator-class
 * indexes the diff does not render as written). An index the range does not create is not found here, and
 * the verification then names it.
 */
export function carriedStatements(migrations: readonly LocalMigration[], indexes: readonly string[] = []): CarriedStatement[] {
  const statements = migrations.flatMap((migration) =>
    splitStatements(migration.script ?? '').statements.flatMap((statement): CarriedStatement[] => {
      const at = { migration: migration.name, line: statement.line };
      const index = createdIndexName(statement.text);
      if (index !== undefined && indexes.includes(index)) return [{ ...at, sql: `${withoutConcurrently(statement.text)};`, placement: 'index', index }];
      if (isSchema(statement.normalized)) return [];
      return [{ ...at, sql: `${statement.text};`, placement: EXTENSION.test(statement.normalized) ? 'before' : 'after' }];
    }),
  );
  return statements.filter((s, i) => s.index === undefined || !statements.slice(i + 1).some((later) => later.index === s.index));
}

/** `migration:line  first line` — how a statement is named in messages. */
export function statementLabel(statement: CarriedStatement): string {
  return `${statement.migration}:${statement.line} ${statement.sql.split('\n')[0].trim().replace(/;$/, '')}`;
}

/** "2 statements that are not schema: a:3 INSERT …; b:1 CREATE EXTENSION …" */
export function describeCarried(statements: readonly CarriedStatement[]): string {
  return `${statements.length} statement${statements.length === 1 ? '' : 's'} that ${statements.length === 1 ? 'is' : 'are'} not schema: ${statements.map(statementLabel).join('; ')}`;
}

const carriedText = (s: CarriedStatement) => `-- Carried from ${s.migration} (line ${s.line})\n${s.sql}\n`;

/**
 * A new migration's script with the carried statements around the engine's schema SQL: extensions first,
 * indexes in place of the engine's rendering of them (one line each), the rest after, each under a comment
 * naming where it came from. An extension the schema SQL creates itself (the `postgresqlExtensions`
 * preview) is not created twice.
 */
export function withCarried(header: string, schemaSql: string, statements: readonly CarriedStatement[]): { script: string; carried: CarriedStatement[] } {
  const created = new Set(requiredExtensions([schemaSql]));
  const carried = statements.filter((s) => !(s.placement === 'before' && /^\s*CREATE/i.test(s.sql) && requiredExtensions([s.sql]).every((name) => created.has(name))));
  const unplaced = new Map(carried.filter((s) => s.placement === 'index').map((s) => [s.index, s]));
  const schema = schemaSql
    .trim()
    .split('\n')
    .map((line) => {
      const index = unplaced.get(createdIndexName(line));
      if (!index) return line;
      unplaced.delete(index.index);
      return carriedText(index).trimEnd();
    })
    .join('\n');
  const before = carried.filter((s) => s.placement === 'before');
  const after = carried.filter((s) => s.placement === 'after' || (s.placement === 'index' && unplaced.has(s.index)));
  const parts = [header, ...before.map(carriedText), schema, ...after.map(carriedText)].filter((part) => part.trim() !== '');
  return { script: `${parts.map((part) => part.trimEnd()).join('\n\n')}\n`, carried };
}
