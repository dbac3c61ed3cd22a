import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstClause, plainText } from '../../src/core/text/plainText';

describe('plain text for surfaces without Markdown', () => {
  test('names lose their backticks, nothing else changes', () => {
    assert.equal(
      plainText('Renaming `User.name` to `fullName` drops the column `name` and its 2 values.'),
      'Renaming User.name to fullName drops the column name and its 2 values.',
    );
    assert.equal(plainText('a ` lone backtick stays'), 'a ` lone backtick stays');
  });

  test('the first clause ends at the first period, comma, colon or semicolon followed by a space', () => {
    assert.equal(firstClause('The model Comment is not migrated yet: the next migration creates it.'), 'The model Comment is not migrated yet');
    assert.equal(firstClause('fullName looks like name renamed, but the migration drops the column name.'), 'fullName looks like name renamed');
    assert.equal(firstClause('Drops User.name (2 values). Keep it with @map.'), 'Drops User.name (2 values)');
    assert.equal(firstClause('version 1.2 stays whole'), 'version 1.2 stays whole');
  });
});
