import assert from 'node:assert/strict';
import { it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { SchemaFinding } from '../../src/core/schemaChanges/analyser';
import { schemaCodeActions } from '../../src/server/schemaDiagnostics';

it("a quick fix edits the open document under the client's own URI, another file under its file URL", () => {
  const schema = '/work/@me/app/prisma/schema.prisma';
  const other = '/work/@me/app/prisma/models/post.prisma';
  // VS Code encodes `@` in a path; Node's pathToFileURL does not: two spellings of one file.
  const clientUri = 'file:///work/%40me/app/prisma/schema.prisma';
  assert.notEqual(pathToFileURL(schema).toString(), clientUri);
  const at = (line: number) => ({ line, column: 3 });
  const finding = {
    rule: 'probable-rename',
    severity: 'error',
    message: 'renamed',
    file: schema,
    line: 17,
    column: 3,
    end: at(17),
    subject: { table: 'User', columns: ['name'] },
    sql: '',
    fixes: [
      {
        title: 'Keep the data',
        edits: [
          { file: schema, start: at(17), end: at(17), newText: ' @map("name")' },
          { file: other, start: at(2), end: at(2), newText: '// moved' },
        ],
      },
    ],
  } as unknown as SchemaFinding;
  const diagnostic = { range: { start: { line: 16, character: 2 }, end: { line: 16, character: 10 } }, message: 'renamed' };
  const [fix] = schemaCodeActions(finding, diagnostic, schema, { file: schema, uri: clientUri });
  assert.deepEqual(Object.keys(fix.edit?.changes ?? {}), [clientUri, pathToFileURL(other).toString()]);
});
