import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import * as subset from '../../src/core/engine/prismaInternalsSubset';

const src = path.resolve(__dirname, '../../src');
const migrateDist = path.dirname(require.resolve('@prisma/migrate/dist/SchemaEngineWasm.js'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The files of @prisma/migrate's dist that `entry` loads, following its relative requires. */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, relative] of readFileSync(file, 'utf8').matchAll(/require\("(\.[^"]+)"\)/g)) queue.push(path.resolve(path.dirname(file), relative));
  }
  return [...seen];
}

it('the @prisma/internals subset the bundles get has every name the bundled @prisma/migrate files use', () => {
  // Declarations (src/types) load nothing.
  const code = sourceFiles(src).filter((file) => !file.endsWith('.d.ts'));
  const entries = [...new Set(code.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'@prisma\/migrate\/dist\/([^']+\.js)'/g)].map((m) => m[1])))];
  assert.deepEqual(entries.sort(), ['SchemaEngineWasm.js', 'utils/promptForMigrationName.js']);
  const used = new Set(entries.flatMap((entry) => closure(path.join(migrateDist, entry))).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bimport_internals\.(\w+)/g)].map((m) => m[1])));
  assert.ok(used.has('wasmSchemaEngineLoader'), `expected the engine wrapper's names, got ${[...used].join(', ')}`);
  const missing = [...used].filter((name) => (subset as Record<string, unknown>)[name] === undefined);
  assert.deepEqual(missing, [], 'add them to src/core/engine/prismaInternalsSubset.ts');
});
