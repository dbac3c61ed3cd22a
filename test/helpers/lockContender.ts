// A separate process contending for a PGlite folder's lock: it takes the lock when told "go" on stdin,
// prints what happened, and holds the lock until its stdin ends.
import { createInterface } from 'node:readline';
import { lockDataDir } from '../../src/core/db/pgliteLock';

const dataDir = process.argv[2]!;
const lines = createInterface({ input: process.stdin });
let release: (() => void) | undefined;
process.stdout.write('ready\n');
lines.once('line', async () => {
  try {
    release = await lockDataDir(dataDir);
    process.stdout.write('acquired\n');
  } catch (error) {
    process.stdout.write(`refused: ${(error as Error).message}\n`);
  }
});
lines.once('close', () => release?.());
