import type { MigrationEngine } from '../engine/migrationEngine';
import { errorMessage } from '../errors';
import type { SchemaFinding } from './analyser';
import type { DataLoss } from './dataLoss';

/** A unique constraint the next migration adds, by the database's names. */
export interface UniqueCheck {
  table: string;
  columns: string[];
}

/** The unique constraints the findings say are added (Prisma's own evaluation only warns that they may fail). */
export function uniqueChecks(findings: readonly SchemaFinding[]): UniqueCheck[] {
  return findings.flatMap((f) => (f.rule === 'added-unique-constraint' && f.subject.uniqueColumns ? [{ table: f.subject.table, columns: f.subject.uniqueColumns }] : []));
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * How many values the dev database holds more than once where a unique constraint is about to be added:
 * each one found makes that step unexecutable, in the words `withDataLoss` matches to its finding.
 * A table the database does not have yet (pending migrations) has no duplicates to count.
 */
export async function duplicateLoss(engine: MigrationEngine, checks: readonly UniqueCheck[], log: (message: string) => void = () => {}): Promise<DataLoss> {
  const unexecutableSteps: Array<{ message: string }> = [];
  for (const { table, columns } of checks) {
    const list = columns.map(quote).join(', ');
    const sql = `SELECT count(*) FROM (SELECT ${list} FROM ${quote(table)} WHERE ${columns.map((c) => `${quote(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${list} HAVING count(*) > 1) AS duplicated`;
    try {
      const duplicated = await engine.queryNumber(sql);
      if (duplicated === 0) continue;
      const subject = columns.length === 1 ? `the column \`${columns[0]}\`` : `the columns (${columns.map((c) => `\`${c}\``).join(', ')})`;
      unexecutableSteps.push({ message: `Adding a unique constraint on ${subject} of the \`${table}\` table fails: ${duplicated.toLocaleString('en-US')} value${duplicated === 1 ? ' occurs' : 's occur'} more than once.` });
    } catch (error) {
      log(`Counting duplicates in ${table} failed: ${errorMessage(error)}`);
    }
  }
  return { warnings: [], unexecutableSteps };
}
