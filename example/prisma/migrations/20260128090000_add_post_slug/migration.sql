-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;

-- Every existing post gets its slug from its title; the id keeps two equal titles apart.
UPDATE "Post" SET "slug" = lower(replace(trim("title"), ' ', '-')) || '-' || "id";

-- CreateIndex
CREATE UNIQUE INDEX "Post_slug_key" ON "Post"("slug");
