import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrationNameParts } from '../../src/core/migrations/migrationName';
import { relativeTime } from '../../src/core/text/relativeTime';

describe('dates and names for a narrow view', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const ago = (seconds: number) => relativeTime(new Date(now.getTime() - seconds * 1000), now);

  test('how long ago, in the largest whole unit', () => {
    assert.equal(ago(10), 'just now');
    assert.equal(ago(-10), 'just now', 'a clock a little ahead is not "in 10 seconds"');
    assert.equal(ago(60), '1 minute ago');
    assert.equal(ago(5 * 60 + 59), '5 minutes ago');
    assert.equal(ago(3 * 3600), '3 hours ago');
    assert.equal(ago(24 * 3600), 'yesterday');
    assert.equal(ago(2 * 24 * 3600 + 60), '2 days ago');
    assert.equal(ago(15 * 24 * 3600), '2 weeks ago');
    assert.equal(ago(400 * 24 * 3600), 'last year');
  });

  test("a migration's name: the timestamp apart from its words", () => {
    assert.deepEqual(migrationNameParts('20260112141500_add_published_flag'), { timestamp: '20260112141500', words: 'add_published_flag' });
    assert.deepEqual(migrationNameParts('0_init'), { words: '0_init' });
    assert.deepEqual(migrationNameParts('20260112141500'), { words: '20260112141500' });
  });
});
