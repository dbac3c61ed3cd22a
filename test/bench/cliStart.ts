// The CLI's start-up, as each CI step pays it: whole processes of the bundled bin on a copy of the example
// (four migrations, SQLite), against a Node process that does nothing.
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { exampleDir, exampleFilter, resetExampleDatabase } from '../e2e/example';

const cli = path.resolve(__dirname, '../../dist/cli.js');

export interface CliRun {
  name: string;
  /** Arguments to `node`. */
  args: string[];
  /** The exit codes the run may end with (status and check report findings with 1). */
  exits: number[];
}

/** The runs, on a copy of the example in `dir` with its migrations applied and its seed data loaded. */
export function cliRuns(dir: string): CliRun[] {
  cpSync(exampleDir, dir, { recursive: true, filter: exampleFilter });
  resetExampleDatabase(dir);
  return [
    { name: 'node -e 0 (floor)', args: ['-e', '0'], exits: [0] },
    { name: 'prisma-migrations --help', args: [cli, '--help'], exits: [0] },
    { name: 'prisma-migrations status --no-drift (3 migrations, SQLite)', args: [cli, 'status', '--no-drift'], exits: [0] },
    { name: 'prisma-migrations check (the example)', args: [cli, 'check'], exits: [1] },
  ];
}

/** One run's wall time in ms; throws when it ends otherwise than expected. */
export function timeCliRun(run: CliRun, cwd: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, run.args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status === null || !run.exits.includes(result.status)) {
    throw new Error(`${run.name} exited with ${result.status ?? result.signal}:\n${result.stderr || result.stdout}`);
  }
  return ms;
}
