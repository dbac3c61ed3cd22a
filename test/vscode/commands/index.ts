// Suite for a workspace holding a SQLite and a PostgreSQL project (a copy of test/fixtures/commands-workspace):
// the Migrations view's data and every command, with the real engine and databases.
import { runMochaFiles } from '../runner';

export function run(): Promise<void> {
  return runMochaFiles(__dirname);
}
