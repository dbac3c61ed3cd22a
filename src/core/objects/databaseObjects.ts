import path from 'node:path';
import type { Finding } from '../check/findings';
import type { MigrationEngine } from '../engine/migrationEngine';
import { splitStatements } from '../lint/sqlStatements';
import { MIGRATION_FILE, type MigrationsFolder } from '../migrations/folder';
import { datasourceLocation } from '../project/datasource';
import type { PrismaProject } from '../types';

/** Objects raw SQL creates that the Prisma schema cannot describe, so neither the schema nor drift sees them. */
export type ObjectKind = 'function' | 'procedure' | 'trigger' | 'view' | 'materialized view' | 'extension' | 'policy';

export interface DatabaseObject {
  kind: ObjectKind;
  name: string;
  /** The table a trigger or policy is on. */
  table?: string;
  /** The database's own text for it (`pg_get_functiondef`, `sqlite_master.sql`, …). */
  definition: string;
}

/**
 * One object as the migrations and the dev database know it: `matches` (the database has what the history
 * builds), `differs` (changed by hand since the migration that created it), `notInMigrations` (created
 * outside them), `missing` (a migration creates it, the database lacks it), `external` (on a table
 * prisma.config.ts says is managed outside Prisma Migrate: listed, never flagged).
 */
export interface ObjectReport {
  kind: ObjectKind;
  name: string;
  table?: string;
  status: 'matches' | 'differs' | 'notInMigrations' | 'missing' | 'external';
  /** The last migration that creates (or replaces) it. */
  migration?: string;
  /** What the database has, and what the history builds, when they differ. */
  definition?: string;
  expected?: string;
}

const CREATE = /^CREATE (?:OR REPLACE )?(?:TEMP(?:ORARY)? )?(FUNCTION|PROCEDURE|TRIGGER|VIEW|MATERIALIZED VIEW|EXTENSION|POLICY) (?:IF NOT EXISTS )?((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)/;
const DROP = /^DROP (FUNCTION|PROCEDURE|TRIGGER|VIEW|MATERIALIZED VIEW|EXTENSION|POLICY) (?:IF EXISTS )?((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)/;

/** `"public"."Name"` → `name` as PostgreSQL's catalog spells it: unquoted names fold to lower case, quoted ones stay. */
export function objectName(raw: string): string {
  const last = raw.split('.').pop() ?? raw;
  return last.startsWith('"') ? last.slice(1, -1) : last.toLowerCase();
}

/** SQLite keeps an unquoted name's case where PostgreSQL folds it: objects are matched case-blind. */
const key = (kind: string, name: string) => `${kind}:${name.toLowerCase()}`;

/** Whitespace the catalog keeps from how a definition was typed is not a change. */
export const comparable = (definition: string) => definition.replace(/\s+/g, ' ').trim();

/**
 * The objects the history creates and has not dropped, each with the last migration that (re)creates it.
 * Parsed from the statements (not executed): names only; definitions come from the databases.
 */
export function objectsInMigrations(folder: MigrationsFolder): Map<string, { kind: ObjectKind; name: string; migration: string }> {
  const found = new Map<string, { kind: ObjectKind; name: string; migration: string }>();
  for (const migration of folder.migrations) {
    if (migration.script === null) continue;
    for (const statement of splitStatements(migration.script).statements) {
      const words = statement.normalized;
      const created = CREATE.exec(words);
      if (created) {
        const kind = created[1].toLowerCase() as ObjectKind;
        const name = objectName(rawName(statement.text, created[2]));
        found.set(key(kind, name), { kind, name, migration: migration.name });
        continue;
      }
      const dropped = DROP.exec(words);
      if (dropped) found.delete(key(dropped[1].toLowerCase(), objectName(rawName(statement.text, dropped[2]))));
    }
  }
  return found;
}

/** The name as written (the normalized text is upper-cased, which would lose a quoted name's case). */
function rawName(text: string, upper: string): string {
  const index = text.toUpperCase().indexOf(upper);
  return index < 0 ? upper : text.slice(index, index + upper.length);
}

const POSTGRES_CATALOG = `
SELECT 'function' AS kind, p.proname AS name, NULL AS tbl, pg_get_functiondef(p.oid) AS definition
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = current_schema() AND p.prokind = 'f'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'procedure', p.proname, NULL, pg_get_functiondef(p.oid)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = current_schema() AND p.prokind = 'p'
UNION ALL
SELECT 'trigger', t.tgname, c.relname, pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND NOT t.tgisinternal
UNION ALL
SELECT 'view', viewname, NULL, definition FROM pg_views WHERE schemaname = current_schema()
UNION ALL
SELECT 'materialized view', matviewname, NULL, definition FROM pg_matviews WHERE schemaname = current_schema()
UNION ALL
SELECT 'extension', extname, NULL, extname || ' ' || extversion FROM pg_extension WHERE extname <> 'plpgsql'
UNION ALL
SELECT 'policy', policyname, tablename, concat_ws(' ', cmd, 'USING', qual, 'WITH CHECK', with_check) FROM pg_policies WHERE schemaname = current_schema()`;

const SQLITE_CATALOG = `SELECT type AS kind, name, tbl_name AS tbl, sql AS definition FROM sqlite_master WHERE type IN ('trigger', 'view')`;

/** The query listing a database's objects raw SQL manages, in its provider's catalog. */
export const catalog = (engine: MigrationEngine) => (engine.provider === 'sqlite' ? SQLITE_CATALOG : POSTGRES_CATALOG);

export function toObjects(rows: ReadonlyArray<Record<string, unknown>>): DatabaseObject[] {
  return rows.map((row) => ({
    kind: String(row.kind) as ObjectKind,
    name: String(row.name),
    ...(row.tbl !== null && row.tbl !== undefined && row.kind !== 'view' && { table: String(row.tbl) }),
    definition: String(row.definition ?? '').trim(),
  }));
}

/**
 * Every object raw SQL manages, compared three ways: named by the migrations, present in the dev database,
 * and as the history builds it (replayed into the dev database's shadow, so both definitions are in the
 * same server's normalized words and a hand-made change shows as a difference, formatting does not).
 */
export async function compareDatabaseObjects(project: PrismaProject, folder: MigrationsFolder, dev: MigrationEngine): Promise<ObjectReport[]> {
  const declared = objectsInMigrations(folder);
  const actual = toObjects(await dev.queryRows(catalog(dev)));
  if (declared.size === 0 && actual.length === 0) return [];
  const scripts = folder.migrations.flatMap((m) => (m.script === null ? [] : [m.script]));
  const built = toObjects(await dev.shadowQuery(scripts, catalog(dev)));
  const external = new Set((project.externalTables ?? []).map((t) => objectName(t)));
  const builtByKey = new Map(built.map((o) => [key(o.kind, o.name), o]));
  const reports: ObjectReport[] = [];
  for (const object of actual) {
    const id = key(object.kind, object.name);
    const base = { kind: object.kind, name: object.name, ...(object.table && { table: object.table }) };
    const migration = declared.get(id)?.migration;
    const expected = builtByKey.get(id);
    if (object.table && external.has(object.table.toLowerCase())) reports.push({ ...base, status: 'external', ...(migration && { migration }) });
    else if (!expected) reports.push({ ...base, status: 'notInMigrations', definition: object.definition });
    else if (comparable(expected.definition) !== comparable(object.definition)) reports.push({ ...base, status: 'differs', ...(migration && { migration }), definition: object.definition, expected: expected.definition });
    else reports.push({ ...base, status: 'matches', ...(migration && { migration }) });
  }
  const present = new Set(actual.map((o) => key(o.kind, o.name)));
  for (const object of built) {
    const id = key(object.kind, object.name);
    if (present.has(id)) continue;
    reports.push({ kind: object.kind, name: object.name, ...(object.table && { table: object.table }), status: 'missing', ...(declared.get(id) && { migration: declared.get(id)!.migration }), expected: object.definition });
  }
  return reports.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

export const OBJECT_RULES = ['database-object-changed', 'database-object-unmigrated', 'database-object-missing'] as const;

/** `trigger stamp on User`: an object as messages name it. */
export const objectLabel = (object: Pick<DatabaseObject, 'kind' | 'name' | 'table'>) => `${object.kind} ${object.name}${object.table ? ` on ${object.table}` : ''}`;

/** `check`'s findings for objects the history and the dev database disagree on. */
export function objectFindings(project: PrismaProject, folder: MigrationsFolder, reports: readonly ObjectReport[]): Finding[] {
  const at = (report: ObjectReport) =>
    report.migration ? { file: path.join(folder.dir, report.migration, MIGRATION_FILE), line: 1, column: 1 } : datasourceLocation(project);
  return reports.flatMap((report): Finding[] => {
    switch (report.status) {
      case 'differs':
        return [{ rule: 'database-object-changed', severity: 'warning', message: `The ${objectLabel(report)} in the dev database differs from what ${report.migration ?? 'the migrations'} created: it was changed by hand. Put the change in a migration, or other databases will not have it.`, ...at(report) }];
      case 'notInMigrations':
        return [{ rule: 'database-object-unmigrated', severity: 'warning', message: `The ${objectLabel(report)} exists in the dev database but no migration creates it: other databases will not have it.`, ...at(report) }];
      case 'missing':
        return [{ rule: 'database-object-missing', severity: 'warning', message: `${report.migration ?? 'A migration'} creates the ${objectLabel(report)}, and the dev database does not have it.`, ...at(report) }];
      default:
        return [];
    }
  });
}
