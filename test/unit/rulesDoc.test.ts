import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { GATE_RULES } from '../../src/core/check/ciGate';
import { INTEGRITY_RULES } from '../../src/core/check/integrity';
import { TARGET_RULES } from '../../src/core/check/targetDatabase';
import { SQL_RULES } from '../../src/core/lint/sqlLint';
import { OBJECT_RULES } from '../../src/core/objects/databaseObjects';
import { CHANGE_RULES } from '../../src/core/schemaChanges/classify';

// Every diagnostic links to `docs/rules.md#<rule>`: each rule needs a heading there for the link to land.
test('every rule a diagnostic can carry has its heading in docs/rules.md', () => {
  const docs = readFileSync(path.resolve(__dirname, '../../docs/rules.md'), 'utf8');
  const rules = [...CHANGE_RULES, ...SQL_RULES, ...INTEGRITY_RULES, ...GATE_RULES, ...TARGET_RULES, ...OBJECT_RULES, 'history-does-not-replay', 'preview-feature-ignored', 'unexecutable-step', 'data-loss', 'drift'];
  for (const rule of rules) assert.match(docs, new RegExp(`^## \`${rule}\`$`, 'm'), rule);
});
