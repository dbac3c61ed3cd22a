import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { load } from 'js-yaml';
import { isCommand, parseOptions, validateArguments } from '../../src/cli/main';

// The README's CI workflows are what users copy: they must be valid YAML, and every prisma-migrations
// command in them must be one the CLI accepts, with options it takes.
const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const workflows = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

/** The words of a shell command line, with quoted "$VARIABLES" standing for a value. */
function words(line: string): string[] {
  return [...line.matchAll(/"[^"]*"|[^\s"]+/g)].map((m) => m[0].replace(/^"|"$/g, ''));
}

test('the README documents a GitHub Actions workflow and a GitLab job, both valid YAML', () => {
  assert.equal(workflows.length, 2);
  const [github, gitlab] = workflows.map((text) => load(text) as Record<string, unknown>);
  assert.ok(github.jobs && github.on, 'GitHub Actions: on + jobs');
  assert.ok(Object.values(gitlab).some((job) => typeof job === 'object' && job !== null && 'script' in job), 'GitLab: a job with a script');
});

test('every prisma-migrations command in the workflows parses as the CLI reads it', () => {
  const lines = workflows.flatMap((text) => text.split('\n')).filter((line) => line.includes('npx prisma-migrations '));
  assert.ok(lines.length >= 5, lines.join('\n'));
  const seen = new Set<string>();
  for (const line of lines) {
    const shell = line.slice(line.indexOf('npx prisma-migrations ') + 'npx prisma-migrations '.length).split(/\s*(?:\|\||>)\s*/)[0];
    const [command, ...args] = words(shell);
    assert.ok(isCommand(command), `${command} in: ${line}`);
    validateArguments(command, parseOptions(command, args));
    seen.add(command);
  }
  assert.deepEqual([...seen].sort(), ['check', 'verify']);
});
