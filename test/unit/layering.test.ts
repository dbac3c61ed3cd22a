import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
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
