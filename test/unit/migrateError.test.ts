import assert from 'node:assert/strict';
import { it } from 'node:test';

type Errors = typeof import('../../src/core/errors');

it("a MigrateError from another copy of the module (the extension's bundle and the core's each hold one) is still a MigrateError", () => {
  const file = require.resolve('../../src/core/errors');
  const first = require(file) as Errors;
  delete require.cache[file];
  const second = require(file) as Errors;
  assert.notEqual(first.MigrateError, second.MigrateError);
  const error = new second.MigrateError('refused', 'nothing was done');
  assert.ok(first.isMigrateError(error));
  assert.ok(error instanceof first.MigrateError);
  assert.ok(!first.isMigrateError(new Error('plain')));
  assert.ok(!first.isMigrateError(null) && !first.isMigrateError('MigrateError'));
});
