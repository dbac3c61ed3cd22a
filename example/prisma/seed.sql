-- Sample data, loaded by `npm start` with `prisma-migrations execute --file prisma/seed.sql`.
INSERT INTO "User" ("email", "name") VALUES ('ada@example.com', 'Ada Lovelace'), ('alan@example.com', 'Alan Turing');
INSERT INTO "Post" ("title", "slug", "body", "published", "authorId") VALUES
  ('Notes on the Analytical Engine', 'notes-on-the-analytical-engine-1', 'It weaves algebraic patterns.', true, 1),
  ('On Computable Numbers', 'on-computable-numbers-2', NULL, true, 2),
  ('Draft: morphogenesis', 'draft:-morphogenesis-3', NULL, false, 2);
INSERT INTO "Tag" ("name") VALUES ('history'), ('math');
INSERT INTO "_PostToTag" ("A", "B") VALUES (1, 1), (2, 2);
