import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type { ErrorCapturingSqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

const WASM_FILE = 'schema_engine_bg.wasm';

let instantiated: Promise<void> | undefined;

/**
 * The bundle ships the `.wasm` beside itself (esbuild.mjs copies it); running from source, it is the one
 * inside the npm package. Glue and binary must come from the same package version.
 */
function wasmPath(): string {
  const besideBundle = path.join(__dirname, WASM_FILE);
  if (existsSync(besideBundle)) return besideBundle;
  return path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/package.json')), WASM_FILE);
}

/** Compiles and instantiates the engine once per process; every engine instance shares the module. */
function instantiate(): Promise<void> {
  instantiated ??= (async () => {
    const module = await WebAssembly.compile(readFileSync(wasmPath()));
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  })();
  return instantiated;
}

export async function newSchemaEngine(
  schemaFiles: ReadonlyArray<{ path: string; content: string }>,
  adapterFactory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void,
): Promise<SchemaEngine> {
  await instantiate();
  return glue.SchemaEngine.new(
    { datamodels: schemaFiles.map((f) => [f.path, f.content] as [string, string]) },
    log,
    adapterFactory,
  );
}
