// Reading and repairing index statements for history rewrites: which index a statement creates, and the
// sort order the schema engine renders where PostgreSQL has none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createdIndexName, withoutConcurrently, withoutUnsupportedSortOrder } from '../../src/core/operations/indexStatements';

describe('index statements', () => {
  it('names the index a statement creates as the catalog does: quoted names as written, unquoted folded', () => {
    assert.equal(createdIndexName('CREATE UNIQUE INDEX "User_Email_key" ON "User"("email")'), 'User_Email_key');
    assert.equal(createdIndexName('create index concurrently if not exists Post_Title on "Post" (lower(title))'), 'post_title');
    assert.equal(createdIndexName('CREATE INDEX "a""b" ON "T"("c")'), 'a"b');
    assert.equal(createdIndexName('CREATE INDEX ON "T"("c")'), undefined);
    assert.equal(createdIndexName('CREATE TABLE "T" ("c" INT)'), undefined);
  });

  it('drops CONCURRENTLY, which a script of several statements cannot run', () => {
    assert.equal(withoutConcurrently('CREATE UNIQUE INDEX CONCURRENTLY "i" ON "T"("c")'), 'CREATE UNIQUE INDEX "i" ON "T"("c")');
  });

  it("leaves the engine's sort order out of hash, BRIN and GIN indexes only", () => {
    const engine = [
      'CREATE INDEX "h" ON "public"."T" USING HASH ("c" ASC);',
      'CREATE INDEX "b" ON "public"."T" USING BRIN ("n" int4_minmax_ops ASC, "m" DESC);',
      'CREATE INDEX "g" ON "public"."T" USING GIN ("c" gin_trgm_ops ASC);',
      'CREATE INDEX "t" ON "public"."T" USING BTREE ("c" DESC);',
      'CREATE INDEX "d" ON "public"."T"("c" DESC);',
    ].join('\n');
    assert.deepEqual(withoutUnsupportedSortOrder(engine).split('\n'), [
      'CREATE INDEX "h" ON "public"."T" USING HASH ("c");',
      'CREATE INDEX "b" ON "public"."T" USING BRIN ("n" int4_minmax_ops, "m");',
      'CREATE INDEX "g" ON "public"."T" USING GIN ("c" gin_trgm_ops);',
      'CREATE INDEX "t" ON "public"."T" USING BTREE ("c" DESC);',
      'CREATE INDEX "d" ON "public"."T"("c" DESC);',
    ]);
  });
});
