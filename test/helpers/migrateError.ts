import assert from 'node:assert/strict';
import util from 'node:util';
import { isMigrateError, type MigrateError } from '../../src/core/errors';

/** Awaits a promise that must reject with a MigrateError of `kind` (and, if given, a message matching `pattern`). */
export async function expectMigrateError(promise: Promise<unknown>, kind: MigrateError['kind'], pattern?: RegExp): Promise<MigrateError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isMigrateError(error), `expected a MigrateError, got ${util.inspect(error)}`);
    assert.equal(error.kind, kind, error.message);
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected a MigrateError of kind ${kind}`);
}
