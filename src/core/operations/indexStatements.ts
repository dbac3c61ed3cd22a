import { objectName } from '../objects/databaseObjects';

const CREATE_INDEX = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?!ON\s)("(?:[^"]|"")+"|[\w$]+)/i;

/** The index a `CREATE INDEX` statement creates, as PostgreSQL's catalog names it; undefined for other statements and unnamed indexes. */
export function createdIndexName(statement: string): string | undefined {
  const match = CREATE_INDEX.exec(statement.trim());
  return match ? objectName(match[2]).replace(/""/g, '"') : undefined;
}

/**
 * A hand-written index statement as it can run inside a migration of several statements: PostgreSQL runs
 * such a script in one implicit transaction, where `CREATE INDEX CONCURRENTLY` is refused.
 */
export function withoutConcurrently(statement: string): string {
  return statement.replace(/^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+)CONCURRENTLY\s+/i, '$1');
}

/** The engine renders each index on one line: `CREATE INDEX "i" ON "public"."t" USING GIN ("c" gin_trgm_ops ASC);`. */
const ENGINE_NON_BTREE_INDEX = /^(CREATE (?:UNIQUE )?INDEX .+ USING (?!BTREE\b)\w+ ?)\((.*)\);$/gim;

/**
 * The engine's SQL with the sort order left out of indexes whose access method has none (hash, GIN, GiST,
 * SP-GiST, BRIN). Schema engine 7.10 bug: its diff from a replayed history renders the `ASC` it introspects
 * for every index column (`USING HASH ("c" ASC)`), which PostgreSQL refuses ("access method "hash" does not
 * support ASC/DESC options"); diffs from the Prisma schema render none.
 */
export function withoutUnsupportedSortOrder(engineSql: string): string {
  return engineSql.replace(ENGINE_NON_BTREE_INDEX, (_, head: string, columns: string) => `${head}(${columns.replace(/\s+(?:ASC|DESC)(?=\s*(?:,|$))/gi, '')});`);
}
