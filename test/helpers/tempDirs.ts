import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

/** A maker of temp folders named `<prefix>-<what>-…`, all removed after the file's tests; `keep` adds one made elsewhere. */
export function tempDirs(prefix: string): { make(what: string): string; keep(dir: string): void } {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return {
    make: (what) => {
      const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-${what}-`));
      dirs.push(dir);
      return dir;
    },
    keep: (dir) => void dirs.push(dir),
  };
}
