import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { columnsOf, type Datamodel, readDatamodel } from '../../src/core/schema/datamodel';
import { DatamodelCache } from '../../src/core/schema/datamodelCache';
import type { SchemaFile } from '../../src/core/types';
import { schemaAt } from '../helpers/largeHistory';

/** What the analysis reads of a datamodel: tables, columns with their shapes, keys, unique constraints, enums. */
function essentials(datamodel: Datamodel) {
  return {
    models: datamodel.models
      .map((m) => ({
        name: m.name,
        dbName: m.dbName,
        primaryKey: m.primaryKey,
        uniqueIndexes: m.uniqueIndexes,
        columns: columnsOf(m).map(({ name, dbName, kind, type, nativeType, isList, isRequired, isUnique, isId, hasDefaultValue, default: value }) => ({
          name,
          dbName,
          kind,
          type,
          nativeType,
          isList,
          isRequired,
          isUnique,
          isId,
          hasDefaultValue,
          value,
        })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    enums: datamodel.enums,
  };
}

describe('DatamodelCache: the datamodel of a schema being typed, one model parsed at a time', () => {
  let dir: string;
  const file = (content: string): SchemaFile[] => [{ path: path.join(dir, 'schema.prisma'), content }];

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pm-datamodel-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const provider of ['sqlite', 'postgresql'] as const) {
    test(`reads the 100-model ${provider} schema (relations, enums, compound keys) as Prisma reads it whole`, () => {
      const schema = schemaAt(provider, 200);
      assert.deepEqual(essentials(new DatamodelCache().read(file(schema))), essentials(readDatamodel(file(schema))));
    });
  }

  test('after an edit, it reads the edited model anew and keeps the others', () => {
    const cache = new DatamodelCache();
    const schema = schemaAt('postgresql', 200);
    cache.read(file(schema));
    const edited = schema.replace('model Model050 {\n', 'model Model050 {\n  extra String? @unique\n');
    const read = cache.read(file(edited));
    assert.deepEqual(essentials(read), essentials(readDatamodel(file(edited))));
    assert.ok(read.models.find((m) => m.name === 'Model050')?.fields.some((f) => f.name === 'extra' && f.isUnique));
  });

  test('an edited enum is read anew with every model', () => {
    const cache = new DatamodelCache();
    const schema = schemaAt('postgresql', 200);
    cache.read(file(schema));
    const edited = schema.replace(/enum Status \{\n/, 'enum Status {\n  PAUSED\n');
    assert.deepEqual(essentials(cache.read(file(edited))), essentials(readDatamodel(file(edited))));
  });
});
