-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;

-- Every existing post gets its slug from its title; the id keeps two equal titles apart. Filled in the
-- migration that adds the column, on purpose: nothing reads it yet, and its test (migration.test.sql) proves it.
-- prisma-migrations-disable-next-line sql-mixed-schema-and-data
UPDATE "Post" SET "slug" = lower(replace(trim("title"), ' ', '-')) || '-' || "id";

-- CreateIndex
CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");
