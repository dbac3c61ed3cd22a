// Suite for a workspace holding a Prisma project (a copy of example/): the extension activates by itself.
import { runMochaFiles } from '../runner';

export function run(): Promise<void> {
  return runMochaFiles(__dirname);
}
