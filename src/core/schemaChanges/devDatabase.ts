import type { MigrationEngine } from '../engine/migrationEngine';
import type { MigrationsFolder } from '../migrations/folder';
import type { DataLoss } from './dataLoss';
import { duplicateLoss, type UniqueCheck } from './duplicates';

/**
 * What the next migration would cost the dev database: Prisma's data-loss evaluation (row and value counts,
 * unexecutable steps) and the duplicates that would make each new unique constraint fail. Writes nothing.
 */
export async function evaluateOnDevDatabase(engine: MigrationEngine, folder: MigrationsFolder, checks: readonly UniqueCheck[], log?: (message: string) => void): Promise<DataLoss> {
  const plan = await engine.planMigration(folder);
  const duplicates = await duplicateLoss(engine, checks, log);
  return { warnings: plan.warnings, unexecutableSteps: [...plan.unexecutableSteps, ...duplicates.unexecutableSteps] };
}
