import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

const core = path.resolve(__dirname, '../../src/core');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

it('src/core never imports vscode (the CLI and the language server run it outside VS Code)', () => {
  const files = sourceFiles(core);
  assert.ok(files.length > 20, `expected the core sources under ${core}`);
  const offenders = files.filter((file) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(file, 'utf8')));
  assert.deepEqual(offenders, []);
});

it('the language server and what it shares with the client never import vscode or the extension', () => {
  const src = path.resolve(__dirname, '../../src');
  const files = [...sourceFiles(path.join(src, 'server')), ...sourceFiles(path.join(src, 'shared'))];
  assert.ok(files.length >= 3, 'expected the server and shared sources');
  const offenders = files.filter((file) => /from ['"](vscode|vscode-languageclient[^'"]*|\.\.\/features\/[^'"]*|\.\.\/extension)['"]/.test(readFileSync(file, 'utf8')));
  assert.deepEqual(offenders, []);
});

/** Relative modules `file` loads when it runs (type-only imports are erased), resolved to files. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  return specifiers.map((specifier) => {
    if (!specifier.startsWith('.')) return specifier;
    const base = path.resolve(path.dirname(file), specifier);
    return [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => existsSync(candidate)) ?? base;
  });
}

it("activation loads no database driver, engine or schema analysis: they come with the core's lazy module", () => {
  const src = path.resolve(__dirname, '../../src');
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [path.join(src, 'extension.ts')];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const target of runtimeImports(file)) {
      if (path.isAbsolute(target)) queue.push(target);
      else packages.add(target);
    }
  }
  // The lazy module is loaded with import() by loadCore.ts, which this walk does not follow.
  const heavy = [...seen].filter((file) => /[\\/]core[\\/](engine|db|schemaChanges|schema)[\\/]|[\\/]core[\\/]connect\.ts$|coreModule\.ts$/.test(file));
  assert.deepEqual(heavy.map((file) => path.relative(src, file)), []);
  // A package.json is data (the bundled engine's version), not code.
  assert.deepEqual([...packages].filter((p) => /^(@prisma|@electric-sql|@libsql|pg$|mariadb)/.test(p) && !p.endsWith('/package.json')), []);
});
