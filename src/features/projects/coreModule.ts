/*
 * Everything the extension needs from the core's database side, in one module loaded on first use: the
 * database drivers, PGlite and prisma.config.ts's loader cost seconds to load, and activation should not
 * wait for them. Import it only through `loadCore()`; type-only imports are free.
 */
export {
  createMissingDatabase,
  databaseLabel,
  describeUrlSource,
  effectiveUrl,
  embeddedDatabaseExists,
  embeddedLocation,
  embeddedUrl,
  openProjectDatabase,
  warningsFor,
} from '../../core/connect';
export { ciGate, failsGate } from '../../core/check/ciGate';
export { readMigrationsFolder } from '../../core/migrations/folder';
export { compareDatabaseObjects } from '../../core/objects/databaseObjects';
export { createMigration, migrationNameNote, migrationNameProblem } from '../../core/operations/create';
export { downScript, downScriptText, verifyDownScript } from '../../core/operations/down';
export { downFilePath, downFileState, writeDownFile } from '../../core/operations/downFile';
export { describeLosses, executeRollback, planRollback } from '../../core/operations/rollback';
export { createMigrationFromDrift } from '../../core/operations/driftMigration';
export { describeCarried } from '../../core/operations/carriedStatements';
export { regenerateMigration, retimestampMigration } from '../../core/operations/retimestamp';
export { planSquash, recordSquash, squashDatabaseState, squashGuidance, writeSquash } from '../../core/operations/squash';
export { checkDrift, readStatus, statusWithoutDatabase } from '../../core/operations/status';
export { formatStatus } from '../../core/operations/statusText';
export { evaluateOnDevDatabase } from '../../core/schemaChanges/devDatabase';
export { discoverProject, findProjects, reloadSchema, withSchemaFiles } from '../../core/project/discover';
export { historyToApply } from '../../core/project/migrationsLocation';
export { baseline, planInit, writeInit } from '../../core/operations/init';
export { pullSchema } from '../../core/operations/pull';
export { rehearseOnCopy } from '../../core/rehearsal/rehearseOnCopy';
export { runMigrationTests } from '../../core/migrationTests/runMigrationTests';
export { changesData, migrationTestScaffold } from '../../core/migrationTests/scaffold';
