// One cold engine load, in a process of its own: loading the engine's modules, compiling and
// instantiating the WebAssembly engine, and starting an engine on a new SQLite file. Prints the time
// in ms as JSON on stdout. Run by bench.ts; argument: a folder to put the SQLite file in.
import path from 'node:path';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: coldLoad.ts <folder>');
  const started = performance.now();
  // Loaded here rather than imported at the top, so that module loading is inside the measurement.
  const { openSqlite } = require('../../src/core/db/sqlite') as typeof import('../../src/core/db/sqlite');
  const { MigrationEngine } = require('../../src/core/engine/migrationEngine') as typeof import('../../src/core/engine/migrationEngine');
  const schemaPath = path.join(dir, 'schema.prisma');
  const engine = new MigrationEngine({
    database: openSqlite(path.join(dir, 'cold.db')),
    schemaFiles: [{ path: schemaPath, content: 'datasource db {\n  provider = "sqlite"\n}\n' }],
    configDir: dir,
  });
  await engine.warmUp();
  const ms = performance.now() - started;
  await engine.dispose();
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
