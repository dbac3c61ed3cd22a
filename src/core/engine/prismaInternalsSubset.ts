/*
 * What the bundled parts of `@prisma/migrate` (its SchemaEngineWasm wrapper and migration-name slugify) use
 * from `@prisma/internals`, re-exported from the files that define it. The bundles resolve
 * `@prisma/internals` to this module (esbuild.mjs): its index loads TypeScript, the engine downloader
 * and every CLI helper, 6 MB the WASM engine never runs, and the parse time of every start-up.
 * test/unit/layering.test.ts fails when an upgrade makes those files use a name missing here.
 */
export { ErrorArea, RustPanic, getWasmError, isWasmPanic } from '@prisma/internals/dist/panic.js';
export { assertAlways } from '@prisma/internals/dist/utils/assertAlways.js';
export { relativizePathInPSLError } from '@prisma/internals/dist/engine-commands/relativizePathInPSLError.js';
export { wasmSchemaEngineLoader } from '@prisma/internals/dist/WasmSchemaEngineLoader.js';
export * as fsFunctional from '@prisma/internals/dist/utils/fs-functional.js';
export { pathToPosix } from '@prisma/internals/dist/utils/path.js';
export { BinaryType, resolveBinary } from '@prisma/internals/dist/resolveBinary.js';
export { SchemaEngineExitCode } from '@prisma/internals/dist/schemaEngineCommands.js';
export { setClassName } from '@prisma/internals/dist/utils/setClassName.js';
export { isInteractive } from '@prisma/internals/dist/utils/isInteractive.js';
export { isCi } from '@prisma/internals/dist/utils/isCi.js';
