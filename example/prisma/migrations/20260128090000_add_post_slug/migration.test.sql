-- Tests of the slug migration, run by `prisma-migrations test` and the Test Explorer: each test starts on
-- a scratch database holding the history before this migration.

-- test: every post gets a slug from its title
INSERT INTO "User" ("id", "email", "name") VALUES (1, 'ada@example.com', 'Ada Lovelace');
INSERT INTO "Post" ("id", "title", "authorId") VALUES (1, 'Notes on the Engine', 1), (2, '  On Numbers ', 1);
-- migrate
-- output: notes-on-the-engine-1
-- output: on-numbers-2
SELECT "slug" FROM "Post" ORDER BY "id";

-- test: two posts with the same title get different slugs
INSERT INTO "User" ("id", "email", "name") VALUES (1, 'ada@example.com', 'Ada Lovelace');
INSERT INTO "Post" ("id", "title", "authorId") VALUES (1, 'Draft', 1), (2, 'Draft', 1);
-- migrate
-- assert: the slugs are unique
SELECT count(DISTINCT "slug") = 2 FROM "Post";
-- error: UNIQUE constraint failed
UPDATE "Post" SET "slug" = 'draft';
