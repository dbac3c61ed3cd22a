// Suite for a workspace without any Prisma project: the extension must stay inactive.
import { runMochaFiles } from '../runner';

export function run(): Promise<void> {
  return runMochaFiles(__dirname);
}
