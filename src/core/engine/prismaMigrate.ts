// The parts of @prisma/migrate we call: a bundle of its own (esbuild.mjs), required on first use. They
// bring @prisma/internals' helpers, fetch-engine, get-platform and prompts (about 1 MB), which parsing
// on every start would cost `status` and `apply`, that never use them.
export { SchemaEngineWasm } from '@prisma/migrate/dist/SchemaEngineWasm.js';
export { getMigrationName } from '@prisma/migrate/dist/utils/promptForMigrationName.js';
