import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { sha256 } from './cacheEntries';

/*
 * A database's schema as one hash, read from its catalogs in one query: what a cached engine result that
 * reads the database (drift, a diff from or to it) is keyed by (see resultCache.ts). Two databases with the
 * same fingerprint give the engine the same description, so the engine's result for one is its result
 * for the other. That holds only if the fingerprint covers everything the engine reads; it covers more
 * (comments, triggers, policies, functions, storage options, column order) so that nothing it might read
 * is left out: a difference the engine ignores costs one engine run, never a wrong answer. Rows are not
 * part of it: no engine result here depends on them.
 */

const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;
/** PostgreSQL's FirstNormalObjectId: below it, the objects (and comments) initdb made. */
const FIRST_USER_OID = 16384;
const QUALIFIED = `quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;

/**
 * Every row is a JSON array, so that no two different rows read alike. Besides the schema: the server's version, the session's schema and user, and
 * whether that user may create databases (a shadow database falls back to PGlite when it may not).
 */
const POSTGRES_IDENTITY = `json_build_array('server', current_setting('server_version_num'), version(), current_schema(), current_user,
  (SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user))`;

const POSTGRES_QUERY = `SELECT r::text FROM (
SELECT ${POSTGRES_IDENTITY}
UNION ALL SELECT json_build_array('namespace', quote_ident(n.nspname)) FROM pg_namespace n WHERE ${USER_NAMESPACE}
UNION ALL SELECT json_build_array('extension', e.extname, e.extversion, e.extnamespace::regnamespace::text, e.extrelocatable) FROM pg_extension e
UNION ALL SELECT json_build_array('class', ${QUALIFIED}, c.relkind, c.relpersistence, array_to_string(c.reloptions, ','), c.relrowsecurity, c.relforcerowsecurity,
    c.relreplident, c.relispartition, pg_get_expr(c.relpartbound, c.oid), CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
    CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
    (SELECT string_agg(p.inhparent::regclass::text, ',' ORDER BY p.inhseqno) FROM pg_inherits p WHERE p.inhrelid = c.oid))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c', 'S')
UNION ALL SELECT json_build_array('column', ${QUALIFIED}, a.attnum, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
    a.attgenerated, a.attndims, pg_get_expr(d.adbin, d.adrelid), co.collname)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
  WHERE ${USER_NAMESPACE} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL SELECT json_build_array('constraint', COALESCE(con.conrelid::regclass::text, ''), COALESCE(con.contypid::regtype::text, ''), quote_ident(con.conname), con.contype,
    pg_get_constraintdef(con.oid), con.condeferrable, con.condeferred, con.convalidated, con.connoinherit)
  FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE ${USER_NAMESPACE}
UNION ALL SELECT json_build_array('index', pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary, i.indisexclusion, i.indimmediate, i.indisclustered, i.indisvalid,
    i.indisreplident)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE}
UNION ALL SELECT json_build_array('type', quote_ident(n.nspname) || '.' || quote_ident(t.typname), t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
    (SELECT string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_NAMESPACE} AND t.typtype IN ('e', 'd', 'r', 'm', 'b', 'p')
UNION ALL SELECT json_build_array('sequence', ${QUALIFIED}, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle,
    (SELECT dep.refobjid::regclass::text || '.' || dep.refobjsubid FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype IN ('a', 'i') LIMIT 1))
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE}
UNION ALL SELECT json_build_array('routine', quote_ident(n.nspname) || '.' || quote_ident(p.proname), pg_get_function_identity_arguments(p.oid), p.prokind,
    pg_get_function_result(p.oid), p.provolatile, p.prosecdef, l.lanname, md5(p.prosrc))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang WHERE ${USER_NAMESPACE}
UNION ALL SELECT json_build_array('trigger', pg_get_triggerdef(t.oid), t.tgenabled) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE} AND NOT t.tgisinternal
UNION ALL SELECT json_build_array('policy', ${QUALIFIED}, quote_ident(p.polname), p.polcmd, p.polpermissive, p.polroles::text, pg_get_expr(p.polqual, p.polrelid),
    pg_get_expr(p.polwithcheck, p.polrelid))
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE}
UNION ALL SELECT json_build_array('comment', d.classoid::regclass::text,
    CASE d.classoid WHEN 'pg_class'::regclass THEN d.objoid::regclass::text WHEN 'pg_type'::regclass THEN d.objoid::regtype::text
      WHEN 'pg_proc'::regclass THEN d.objoid::regprocedure::text WHEN 'pg_namespace'::regclass THEN d.objoid::regnamespace::text
      WHEN 'pg_constraint'::regclass THEN (SELECT con.conrelid::regclass::text || ' ' || con.contypid::regtype::text || ' ' || quote_ident(con.conname) FROM pg_constraint con WHERE con.oid = d.objoid)
      ELSE d.objoid::text END,
    d.objsubid, d.description)
  FROM pg_description d WHERE d.objoid >= ${FIRST_USER_OID}
) AS fingerprint(r)`;

/** Everything SQLite knows of a schema is its `sqlite_master` text; the library's version decides how it is read. */
const SQLITE_QUERY = `SELECT json_array('sqlite', sqlite_version()) AS r
UNION ALL SELECT json_array(type, name, tbl_name, sql) FROM sqlite_master`;

/** What decides how a database runs a script, without its schema: the server's version, session and rights; SQLite's version. */
export async function databaseIdentity(adapter: SqlDriverAdapter): Promise<string> {
  const sql = adapter.provider === 'sqlite' ? `SELECT json_array('sqlite', sqlite_version())` : `SELECT ${POSTGRES_IDENTITY}::text`;
  const result = await adapter.queryRaw({ sql, args: [], argTypes: [] });
  return String(result.rows[0]?.[0] ?? '');
}

/** The hash of the database's schema as the engine could see it (see above), from its catalogs. */
export async function databaseFingerprint(adapter: SqlDriverAdapter): Promise<string> {
  const result = await adapter.queryRaw({ sql: adapter.provider === 'sqlite' ? SQLITE_QUERY : POSTGRES_QUERY, args: [], argTypes: [] });
  // Sorted here, not by the database: its collation must not decide the order.
  const rows = result.rows.map((row) => String(row[0] ?? '')).sort();
  return sha256(rows.map((row) => Buffer.from(`${row}\n`)));
}
