import assert from 'node:assert/strict';
import { it } from 'node:test';
import { prismaFailureLogs } from '../../src/core/engine/applyScripts';
import { failureLogsMessage } from '../../src/core/errors';

const P3018 =
  'A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n';

it("a failed migration's logs read as the database's error, whoever wrote them", () => {
  // Ours (applyScripts.ts).
  assert.equal(failureLogsMessage(prismaFailureLogs('2_b', '42P01', 'relation "Nope" does not exist')), 'relation "Nope" does not exist');
  // Prisma's native engine on PostgreSQL: a DbError dump and the span trace after the message.
  const native =
    `${P3018}Migration name: 2_b\n\nDatabase error code: 42P07\n\nDatabase error:\nERROR: relation "User" already exists\n\n` +
    'DbError { severity: "ERROR", parsed_severity: Some(Error), code: SqlState(E42P07), message: "relation \\"User\\" already exists" }\n\n' +
    '   0: sql_schema_connector::apply_migration::apply_script\n           with migration_name="2_b"\n             at schema-engine/connectors/sql-schema-connector/src/apply_migration.rs:106\n';
  assert.equal(failureLogsMessage(native), 'ERROR: relation "User" already exists');
  // The WASM engine through a driver adapter: no P3018 frame, a trace after the message.
  const wasm = 'external connector error\nUnique constraint failed: A_pkey\n   0: sql_schema_connector::apply_migration::apply_script\n           with migration_name="2_b"\n';
  assert.equal(failureLogsMessage(wasm), 'Unique constraint failed: A_pkey');
  // MySQL's query number stays: it says which statement failed.
  assert.equal(
    failureLogsMessage(prismaFailureLogs('2_b', '1146', "Table 'test.Nope' doesn't exist\n\nPlease check the query number 2 from the migration file.")),
    "Table 'test.Nope' doesn't exist\n\nPlease check the query number 2 from the migration file.",
  );
});
