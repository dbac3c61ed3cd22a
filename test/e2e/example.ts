// The example project's embedded SQLite dev database, rebuilt from its migrations and seeded with the
// bundled CLI (the same steps a user would run), so the Migrations view has a known state to show.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
export const exampleDir = path.join(repoRoot, 'example');
const cli = path.join(repoRoot, 'dist', 'cli.js');

export function resetExampleDatabase(dir: string, log: (line: string) => void = () => undefined): void {
  for (const args of [
    ['reset', '--force'],
    ['execute', '--file', 'prisma/seed.sql'],
  ]) {
    log(`$ prisma-migrations ${args.join(' ')}`);
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`prisma-migrations ${args.join(' ')} failed in ${dir} (exit ${result.status ?? result.signal}):\n${result.stderr || result.stdout}`);
    }
  }
}

/** Copies the example without its local databases. */
export const exampleFilter = (source: string): boolean => !/(^|[/\\])(dev\.db[^/\\]*|\.pglite)$/.test(source);
