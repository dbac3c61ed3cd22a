// `npm start`: the main job on the embedded default. Builds (done by the npm script), then on example/
// rebuilds the embedded SQLite dev database from the migration history, loads the seed, and shows what
// `status` and `check` say about it. No network beyond what `npm ci` already fetched.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const example = path.join(root, 'example');
const bin = path.join(root, 'dist', 'cli.js');

function step(title, args, { mayFail = false } = {}) {
  console.log(`\n\x1b[1m$ prisma-migrations ${args.join(' ')}\x1b[0m   # ${title}`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: example, stdio: 'inherit' });
  if (result.status !== 0 && !mayFail) {
    console.error(`\nprisma-migrations ${args[0]} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
  return result.status;
}

console.log(`Example project: ${example}`);
step('rebuild the embedded dev database (prisma/dev.db) from the migrations', ['reset', '--force']);
step('load sample data', ['execute', '--file', 'prisma/seed.sql']);
step('every migration against the database, and drift', ['status']);
const check = step('what the unmigrated schema change would break', ['check'], { mayFail: true });
console.log(
  check === 1
    ? '\ncheck exits 1: schema.prisma renames User.name to User.fullName, which the next migration would turn into a\ndropped column (losing 2 values) and a required column the existing rows cannot fill. That is the point of the demo.'
    : '\ncheck found nothing to break.',
);
