import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
import type { ErrorCapturingSqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

const WASM_FILE = 'schema_engine_bg.wasm';

/** The subset of the WebAssembly API used here (lib "dom" is not loaded in this Node project). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, unknown>): Promise<{ exports: Record<string, unknown> }>;
};

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg', { with: { 'resolution-mode': 'import' } });

let instantiated: Promise<Glue> | undefined;

/**
 * The bundle ships the `.wasm` beside itself (esbuild.mjs copies it); running from source, it is the one
 * inside the npm package. Glue and binary must come from the same package version.
 */
function wasmPath(): string {
  const besideBundle = path.join(__dirname, WASM_FILE);
  if (existsSync(besideBundle)) return besideBundle;
  // createRequire keeps the bundler from trying to resolve the package at build time.
  return path.join(path.dirname(createRequire(__filename).resolve('@prisma/schema-engine-wasm')), WASM_FILE);
}

/**
 * Compiles and instantiates the engine once per process; every engine instance shares the module.
 * Prisma's own loader looks for the `.wasm` inside `@prisma/internals`, which 7.10 does not ship.
 */
function instantiate(): Promise<Glue> {
  instantiated ??= (async () => {
    const glue: Glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const module = await WebAssembly.compile(readFileSync(wasmPath()));
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return glue;
  })();
  return instantiated;
}

/**
 * The engine arms 60 s timers around its queries and leaves them running after the query settles: a
 * CLI run or a test process would then wait a minute before exiting. The operations themselves keep
 * the process alive while they run, so the timers need not.
 */
function withUnrefTimers(glue: Glue): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, value] of Object.entries(glue)) {
    if (!name.startsWith('__wbg_setTimeout') || typeof value !== 'function') continue;
    imports[name] = (...args: unknown[]) => {
      const timer = (value as (...a: unknown[]) => unknown)(...args);
      (timer as { unref?: () => void } | null)?.unref?.();
      return timer;
    };
  }
  return imports;
}

export async function newSchemaEngine(
  schemaFiles: ReadonlyArray<{ path: string; content: string }>,
  adapterFactory: ErrorCapturingSqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void,
): Promise<SchemaEngine> {
  const glue = await instantiate();
  return glue.SchemaEngine.new(
    { datamodels: schemaFiles.map((f) => [f.path, f.content] as [string, string]) },
    log,
    adapterFactory,
  );
}
