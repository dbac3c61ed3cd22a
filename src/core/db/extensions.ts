import type { Extension } from '@electric-sql/pglite';
import { MigrateError } from '../errors';

/**
 * The PostgreSQL extensions a migration history creates, in first-use order: every
 * `CREATE EXTENSION [IF NOT EXISTS] name | "name"`, comments ignored. Statements inside `DO $$ … $$`
 * bodies count (a common way to create an extension conditionally), so only comments are removed.
 */
export function requiredExtensions(scripts: readonly string[]): string[] {
  const names = new Set<string>();
  const statement = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)/gi;
  for (const script of scripts) {
    for (const match of withoutComments(script).matchAll(statement)) {
      const name = match[1]!;
      // Unquoted identifiers fold to lower case, as PostgreSQL does.
      names.add(name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());
    }
  }
  return [...names];
}

/**
 * Replaces `-- …` and `/* … *\/` comments by a space. Quoted strings and identifiers are copied as they
 * are, so a `--` inside them is not taken for a comment; dollar-quoted bodies are read as SQL, since
 * PL/pgSQL comments are comments too.
 */
function withoutComments(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const two = sql.slice(i, i + 2);
    if (two === '--') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      out += ' ';
    } else if (two === '/*') {
      i = blockCommentEnd(sql, i);
      out += ' ';
    } else if (sql[i] === "'" || sql[i] === '"') {
      const end = quotedEnd(sql, i);
      out += sql.slice(i, end);
      i = end;
    } else {
      out += sql[i++];
    }
  }
  return out;
}

/** Index after the block comment starting at `start`; PostgreSQL's block comments nest. */
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  do {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
    } else {
      i++;
    }
  } while (depth > 0 && i < sql.length);
  return i;
}

/** Index after the quoted token starting at `start`; `''` / `""` are escaped quotes, and `E'…'` allows `\'`. */
function quotedEnd(sql: string, start: number): number {
  const quote = sql[start];
  const backslashEscapes = quote === "'" && /[eE]/.test(sql[start - 1] ?? '') && !/\w/.test(sql[start - 2] ?? '');
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') i += 2;
    else if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i++;
  }
  return i;
}

/** Built into every PostgreSQL, PGlite included: nothing to load. */
const BUILT_IN = new Set(['plpgsql']);

/**
 * The extensions PGlite ships, by SQL name: `@electric-sql/pglite` 0.5.14's `contrib/<module>` exports
 * (`auto_explain`, a library without `CREATE EXTENSION`, left out), and the extensions ElectricSQL
 * publishes as packages of their own for that release (`@electric-sql/pglite-<name>`, pgvector among
 * them). Loaded lazily: each brings a tarball PGlite unpacks at start-up.
 */
const PGLITE_SHIPPED: Record<string, () => Promise<Extension>> = {
  age: async () => (await import('@electric-sql/pglite-age')).age,
  amcheck: async () => (await import('@electric-sql/pglite/contrib/amcheck')).amcheck,
  bloom: async () => (await import('@electric-sql/pglite/contrib/bloom')).bloom,
  btree_gin: async () => (await import('@electric-sql/pglite/contrib/btree_gin')).btree_gin,
  btree_gist: async () => (await import('@electric-sql/pglite/contrib/btree_gist')).btree_gist,
  citext: async () => (await import('@electric-sql/pglite/contrib/citext')).citext,
  cube: async () => (await import('@electric-sql/pglite/contrib/cube')).cube,
  dict_int: async () => (await import('@electric-sql/pglite/contrib/dict_int')).dict_int,
  dict_xsyn: async () => (await import('@electric-sql/pglite/contrib/dict_xsyn')).dict_xsyn,
  earthdistance: async () => (await import('@electric-sql/pglite/contrib/earthdistance')).earthdistance,
  file_fdw: async () => (await import('@electric-sql/pglite/contrib/file_fdw')).file_fdw,
  fuzzystrmatch: async () => (await import('@electric-sql/pglite/contrib/fuzzystrmatch')).fuzzystrmatch,
  hstore: async () => (await import('@electric-sql/pglite/contrib/hstore')).hstore,
  intarray: async () => (await import('@electric-sql/pglite/contrib/intarray')).intarray,
  isn: async () => (await import('@electric-sql/pglite/contrib/isn')).isn,
  lo: async () => (await import('@electric-sql/pglite/contrib/lo')).lo,
  ltree: async () => (await import('@electric-sql/pglite/contrib/ltree')).ltree,
  moddatetime: async () => (await import('@electric-sql/pglite/contrib/moddatetime')).moddatetime,
  pageinspect: async () => (await import('@electric-sql/pglite/contrib/pageinspect')).pageinspect,
  pg_buffercache: async () => (await import('@electric-sql/pglite/contrib/pg_buffercache')).pg_buffercache,
  pg_freespacemap: async () => (await import('@electric-sql/pglite/contrib/pg_freespacemap')).pg_freespacemap,
  pg_stat_statements: async () => (await import('@electric-sql/pglite/contrib/pg_stat_statements')).pg_stat_statements,
  pg_surgery: async () => (await import('@electric-sql/pglite/contrib/pg_surgery')).pg_surgery,
  pg_trgm: async () => (await import('@electric-sql/pglite/contrib/pg_trgm')).pg_trgm,
  pg_visibility: async () => (await import('@electric-sql/pglite/contrib/pg_visibility')).pg_visibility,
  pg_walinspect: async () => (await import('@electric-sql/pglite/contrib/pg_walinspect')).pg_walinspect,
  pg_hashids: async () => (await import('@electric-sql/pglite-pg_hashids')).pg_hashids,
  pg_ivm: async () => (await import('@electric-sql/pglite-pg_ivm')).pg_ivm,
  pg_textsearch: async () => (await import('@electric-sql/pglite-pg_textsearch')).pg_textsearch,
  pg_uuidv7: async () => (await import('@electric-sql/pglite-pg_uuidv7')).pg_uuidv7,
  pgcrypto: async () => (await import('@electric-sql/pglite/contrib/pgcrypto')).pgcrypto,
  pgtap: async () => (await import('@electric-sql/pglite-pgtap')).pgtap,
  seg: async () => (await import('@electric-sql/pglite/contrib/seg')).seg,
  tablefunc: async () => (await import('@electric-sql/pglite/contrib/tablefunc')).tablefunc,
  tcn: async () => (await import('@electric-sql/pglite/contrib/tcn')).tcn,
  tsm_system_rows: async () => (await import('@electric-sql/pglite/contrib/tsm_system_rows')).tsm_system_rows,
  tsm_system_time: async () => (await import('@electric-sql/pglite/contrib/tsm_system_time')).tsm_system_time,
  unaccent: async () => (await import('@electric-sql/pglite/contrib/unaccent')).unaccent,
  'uuid-ossp': async () => (await import('@electric-sql/pglite/contrib/uuid_ossp')).uuid_ossp,
  vector: async () => (await import('@electric-sql/pglite-pgvector')).vector,
};

/** `CREATE EXTENSION … CASCADE` installs these first; PGlite must have them loaded too. */
const DEPENDENCIES: Record<string, string[]> = { earthdistance: ['cube'] };

/** The extension names PGlite can load (built-ins excluded). */
export const PGLITE_EXTENSIONS: readonly string[] = Object.keys(PGLITE_SHIPPED);

/**
 * The PGlite `extensions` option for these SQL extension names. An extension PGlite does not ship fails
 * here, before any PGlite starts, with the name the migrations use.
 */
export async function pgliteExtensions(names: readonly string[]): Promise<Record<string, Extension>> {
  const wanted = new Set(names.flatMap((name) => [...(DEPENDENCIES[name] ?? []), name]).filter((name) => !BUILT_IN.has(name)));
  const missing = [...wanted].filter((name) => !Object.hasOwn(PGLITE_SHIPPED, name));
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(', ');
    throw new MigrateError(
      'unsupported',
      `The migrations create the PostgreSQL extension${missing.length > 1 ? 's' : ''} ${list}, which the embedded PGlite database does not ship. Use a PostgreSQL server that has ${missing.length > 1 ? 'them' : 'it'} (set a database URL).`,
    );
  }
  // Keyed like PGlite's documentation (`{ uuid_ossp }`): the key also names the instance's namespace.
  const loaded = await Promise.all([...wanted].map(async (name) => [name.replace(/-/g, '_'), await PGLITE_SHIPPED[name]!()] as const));
  return Object.fromEntries(loaded);
}
