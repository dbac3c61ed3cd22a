import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { load } from 'js-yaml';
import { isCommand, parseOptions, validateArguments } from '../../src/cli/arguments';

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
  assert.deepEqual([...seen].sort(), ['check', 'rehearse', 'test', 'verify']);
});

test('the gates compare a pull request with its target branch, on a checkout that has the history for it', () => {
  const [github, gitlab] = workflows.map((text) => load(text) as Record<string, Record<string, unknown>>);
  const gates = workflows.flatMap((text) => text.split('\n')).filter((line) => line.includes('prisma-migrations check --ci'));
  assert.ok(gates.length >= 4 && gates.every((line) => line.includes('--base "origin/$BASE_BRANCH"')), gates.join('\n'));

  const job = (github.jobs as Record<string, { env?: Record<string, string>; steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>).gate;
  assert.equal(job.env?.BASE_BRANCH, '${{ github.base_ref || github.ref_name }}', 'the target branch on a pull request, the branch itself on a push');
  assert.equal(job.steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth'], 0, 'the whole history, for the merge base');

  const gate = gitlab['migrations:gate'] as { variables: Record<string, string>; script: string[] };
  assert.equal(gate.variables.GIT_DEPTH, '0');
  assert.ok(gate.script.some((line) => line.includes('${CI_MERGE_REQUEST_TARGET_BRANCH_NAME:-$CI_COMMIT_BRANCH}')), gate.script.join('\n'));
  assert.ok(gate.script.some((line) => line.startsWith('git fetch origin "+refs/heads/$BASE_BRANCH:')), 'the target branch fetched as origin/<branch>');
});
