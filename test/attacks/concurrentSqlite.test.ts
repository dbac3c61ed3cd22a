// Attacks on a SQLite file another process holds while `apply` or `status` runs (issue #14, item 13): the
// CLI waits and says so, or says the file is locked — never `SocketTimeout`, never "failed earlier".
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { tempProject, type TempProject } from '../helpers/tempProject';

const ROOT = path.join(__dirname, '..', '..');

interface Child {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when the process has printed a line matching `pattern` (stdout or stderr). */
  said(pattern: RegExp): Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(args: string[], cwd: string): Child {
  // Resolved here: the project folder a process runs in has no node_modules.
  const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, ...args], { cwd });
  let stdout = '';
  let stderr = '';
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  for (const [stream, append] of [
    [child.stdout, (t: string) => (stdout += t)],
    [child.stderr, (t: string) => (stderr += t)],
  ] as const) {
    createInterface({ input: stream }).on('line', (line) => {
      append(`${line}\n`);
      lines.push(line);
      for (const listener of listeners) listener();
    });
  }
  const done = once(child, 'close').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return {
    child,
    done,
    said: (pattern) =>
      Promise.race([
        new Promise<void>((resolve) => {
          const check = () => lines.some((l) => pattern.test(l)) && (listeners.delete(check), resolve());
          listeners.add(check);
          check();
        }),
        done.then((r) => assert.fail(`ended without saying ${pattern}: ${r.stderr}`)),
      ]),
  };
}

describe('attack: a SQLite file held by another process', () => {
  let project: TempProject;
  let url: string;
  let dbFile: string;
  const cli = (...args: string[]) => start([path.join(ROOT, 'src/cli/index.ts'), ...args, '--url', url], project.root);
  const holdFile = async () => {
    const holder = start([path.join(ROOT, 'test/helpers/sqliteHolder.ts'), dbFile], project.root);
    await holder.said(/^locked$/);
    return holder;
  };
  const release = async (holder: Child) => {
    holder.child.stdin.end();
    assert.equal((await holder.done).code, 0);
  };

  before(() => {
    project = tempProject('sqlite', 'model A {\n  id Int @id\n}\n');
    project.addMigration('1_init', 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    dbFile = path.join(project.root, 'dev.db');
    url = `file:${dbFile}`;
  });
  after(() => project.remove());

  it('apply waits for the holder, says so, then applies', async () => {
    const holder = await holdFile();
    const apply = cli('apply');
    await apply.said(/waiting up to 10 s for it to finish/);
    await release(holder);
    const result = await apply.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Applied 1 migration/);
  });

  it('apply on a file held longer than 10 s: locked by another process, exit 2, nothing applied', async () => {
    project.addMigration('2_more', 'CREATE TABLE "B" ("id" INTEGER NOT NULL PRIMARY KEY);\n');
    const holder = await holdFile();
    try {
      const result = await cli('apply').done;
      assert.equal(result.code, 2);
      assert.match(result.stderr, /The SQLite database .*dev\.db is locked by another process .* for over 10 s\. Nothing was applied/);
      assert.doesNotMatch(result.stderr, /SocketTimeout|failed earlier/);
    } finally {
      await release(holder);
    }
    const status = await cli('status', '--json').done;
    const report = JSON.parse(status.stdout) as { migrations: Array<{ name: string; status: string }> };
    assert.deepEqual(report.migrations.map((m) => [m.name, m.status]), [['1_init', 'applied'], ['2_more', 'pending']]);
  });

  it('status on a held file says it is locked by another process, exit 2', async () => {
    const holder = await holdFile();
    try {
      const result = await cli('status').done;
      assert.equal(result.code, 2);
      assert.match(result.stderr, /The SQLite database is locked by another process/);
      assert.doesNotMatch(result.stderr, /SocketTimeout/);
    } finally {
      await release(holder);
    }
  });
});
