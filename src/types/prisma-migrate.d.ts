// @prisma/migrate 7.10 points "types" at a path it does not ship; its declarations live in dist/src.
declare module '@prisma/migrate/dist/SchemaEngineWasm.js' {
  export { SchemaEngineWasm } from '@prisma/migrate/dist/src/SchemaEngineWasm';
}
declare module '@prisma/migrate/dist/utils/promptForMigrationName.js' {
  export { getMigrationName } from '@prisma/migrate/dist/src/utils/promptForMigrationName';
}
declare module '@prisma/migrate/dist/utils/listMigrations.js' {
  export { listMigrations } from '@prisma/migrate/dist/src/utils/listMigrations';
}
