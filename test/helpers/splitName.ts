// A data migration the tests share: User.fullName split into firstName and lastName, filled from it, then dropped.
// A one-word name keeps it whole as firstName, with no lastName.

/** The history before it: User(id, fullName). */
export const USER_WITH_FULL_NAME = 'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY, "fullName" TEXT NOT NULL);\n';

export const SPLIT_NAME = {
  sqlite: [
    'ALTER TABLE "User" ADD COLUMN "firstName" TEXT;',
    'ALTER TABLE "User" ADD COLUMN "lastName" TEXT;',
    `UPDATE "User" SET "firstName" = CASE WHEN instr("fullName", ' ') > 0 THEN substr("fullName", 1, instr("fullName", ' ') - 1) ELSE "fullName" END,`,
    `  "lastName" = CASE WHEN instr("fullName", ' ') > 0 THEN substr("fullName", instr("fullName", ' ') + 1) END;`,
    'ALTER TABLE "User" DROP COLUMN "fullName";',
    '',
  ].join('\n'),
  postgresql: [
    'ALTER TABLE "User" ADD COLUMN "firstName" TEXT, ADD COLUMN "lastName" TEXT;',
    `UPDATE "User" SET "firstName" = split_part("fullName", ' ', 1), "lastName" = NULLIF(split_part("fullName", ' ', 2), '');`,
    'ALTER TABLE "User" DROP COLUMN "fullName";',
    'ALTER TABLE "User" ALTER COLUMN "firstName" SET NOT NULL;',
    '',
  ].join('\n'),
};
