import path from 'node:path';
import type { MigrationTestResult } from './runMigrationTests';

export const TEST_RESULT_FORMATS = ['text', 'json', 'junit'] as const;
export type TestResultFormat = (typeof TEST_RESULT_FORMATS)[number];

/** Test results in the format asked for; paths relative to `cwd` (the repository root in CI). */
export function formatTestResults(results: readonly MigrationTestResult[], format: TestResultFormat, cwd: string): string {
  switch (format) {
    case 'text':
      return [...results.map((result) => formatTestResult(result, cwd)), testSummary(results)].join('\n');
    case 'json':
      return JSON.stringify(results, null, 2);
    case 'junit':
      return junit(results, cwd);
  }
}

/**
 * One result as a line, `✓ migration › name (12 ms)`; a failure adds where (`file:line`, as editors and CI
 * logs link it) and why, indented.
 */
export function formatTestResult(result: MigrationTestResult, cwd: string): string {
  const head = `${result.status === 'passed' ? '✓' : '✗'} ${result.migration} › ${result.name} (${result.durationMs} ms)`;
  return result.failure ? `${head}\n${indent(failureText(result, cwd), '    ')}` : head;
}

export function testSummary(results: readonly MigrationTestResult[]): string {
  const failed = results.filter((result) => result.status === 'failed').length;
  return `${results.length - failed} passed, ${failed} failed`;
}

function failureText(result: MigrationTestResult, cwd: string): string {
  const failure = result.failure!;
  const parts = [`${path.relative(cwd, result.file)}:${failure.line}`, failure.message];
  if (failure.expected !== undefined) parts.push('expected:', indent(failure.expected, '  '));
  if (failure.actual !== undefined) parts.push('actual:', indent(failure.actual, '  '));
  return parts.join('\n');
}

const indent = (text: string, by: string) => text.split('\n').map((line) => by + line).join('\n');

/**
 * JUnit XML as CI servers read it (Jenkins, GitLab, GitHub test reporters): one `<testsuite>` per
 * migration, in the order the tests ran, each failure with its file and line. Valid under the Jenkins
 * xUnit plugin's junit-10.xsd (test/fixtures/junit), which allows no `skipped` on `<testsuites>`.
 */
function junit(results: readonly MigrationTestResult[], cwd: string): string {
  const suites = new Map<string, MigrationTestResult[]>();
  for (const result of results) suites.set(result.migration, [...(suites.get(result.migration) ?? []), result]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="prisma-migrations test" ${counts(results)}>`];
  for (const [migration, tests] of suites) {
    lines.push(`  <testsuite name="${xmlAttribute(migration)}" ${counts(tests, 'suite')}>`);
    for (const test of tests) {
      const attributes = `name="${xmlAttribute(test.name)}" classname="${xmlAttribute(migration)}" time="${seconds(test.durationMs)}" file="${xmlAttribute(relativeUri(test.file, cwd))}" line="${test.line}"`;
      if (!test.failure) {
        lines.push(`    <testcase ${attributes}/>`);
        continue;
      }
      lines.push(
        `    <testcase ${attributes}>`,
        `      <failure message="${xmlAttribute(test.failure.message)}" type="MigrationTestFailure">${xmlContent(failureText(test, cwd))}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n');
}

/** The counts of a `<testsuites>`, or of a `<testsuite>`, which also says how many were skipped (none). */
function counts(results: readonly MigrationTestResult[], of: 'suites' | 'suite' = 'suites'): string {
  const failures = results.filter((result) => result.status === 'failed').length;
  const time = results.reduce((sum, result) => sum + result.durationMs, 0);
  return `tests="${results.length}" failures="${failures}" errors="0"${of === 'suite' ? ' skipped="0"' : ''} time="${seconds(time)}"`;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function relativeUri(file: string, cwd: string): string {
  return path.relative(cwd, file).split(path.sep).join('/');
}

/**
 * Text for an XML attribute. Line breaks and tabs become references: an attribute would fold them into
 * spaces.
 */
function xmlAttribute(text: string): string {
  return xmlContent(text).replace(/["'\t\n]/g, (char) => XML_REFERENCES[char]!);
}

/**
 * Text for XML content. Characters XML 1.0 cannot hold at all, not even as references (other control
 * characters, lone surrogates, U+FFFE/U+FFFF), are written as `\uXXXX` so that the report still parses; a
 * carriage return as a reference, since parsers turn a literal one into a line feed.
 */
function xmlContent(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[&<>\r]/g, (char) => XML_REFERENCES[char]!);
}

const XML_REFERENCES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
