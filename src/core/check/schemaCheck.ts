import type { MigrationEngine } from '../engine/migrationEngine';
import type { MigrationsFolder } from '../migrations/folder';
import { type SchemaAnalysis, SchemaChangeAnalyser } from '../schemaChanges/analyser';
import { withDataLoss } from '../schemaChanges/dataLoss';
import { evaluateOnDevDatabase } from '../schemaChanges/devDatabase';
import { uniqueChecks } from '../schemaChanges/duplicates';
import { validateSchema } from '../project/validate';
import type { PrismaProject } from '../types';
import { cachedHistoryResult } from '../operations/historyStates';

/**
 * The breaking changes of the next migration, as the editor shows them: the schema compared with what the
 * local history leaves (a result kept in the result cache), then, with a dev database, the engine's
 * counts of what each change would cost it. With `replayOn` (a PostgreSQL server's engine), the history
 * replays in a scratch database on that server rather than in an embedded PGlite.
 */
export async function checkSchema(
  project: PrismaProject,
  folder: MigrationsFolder,
  devEngine: MigrationEngine | null,
  replayOn: MigrationEngine | null = null,
): Promise<SchemaAnalysis> {
  // Judged on the user's text first, before seconds of replaying a history for a schema that cannot be diffed.
  const invalid = validateSchema(project);
  if (invalid) throw invalid;
  const server = replayOn?.database.scratch && project.provider === 'postgresql' ? replayOn : null;
  // Where the history replays is part of the result's inputs: the server's version and rights, or the embedded default.
  const replayedOn = server ? await server.identity() : 'embedded';
  const analysis = await cachedHistoryResult('schemaCheck', project, folder, [replayedOn], async () => {
    const analyser = await SchemaChangeAnalyser.replay(project, folder, 'once', {}, server?.database);
    try {
      return await analyser.analyse(project);
    } finally {
      await analyser.dispose();
    }
  });
  if (!devEngine || analysis.findings.length === 0) return analysis;
  const loss = await evaluateOnDevDatabase(devEngine, folder, uniqueChecks(analysis.findings));
  return { ...analysis, findings: withDataLoss(analysis.findings, loss, project) };
}
