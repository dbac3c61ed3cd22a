import path from 'node:path';
import type { Finding } from './findings';

export const FINDING_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type FindingFormat = (typeof FINDING_FORMATS)[number];

/**
 * `check`'s findings in the format asked for; paths relative to `cwd` (the repository root in CI). Text is
 * one line per finding, `file:line:column severity [rule] message`, as compilers print them.
 */
export function formatFindings(findings: readonly Finding[], format: FindingFormat, cwd: string): string {
  switch (format) {
    case 'text':
      return findings.map((f) => `${path.relative(cwd, f.file)}:${f.line}:${f.column} ${f.severity} [${f.rule}] ${f.message}`).join('\n');
    case 'json':
      return JSON.stringify(findings, null, 2);
    case 'sarif':
      return JSON.stringify(sarif(findings, cwd), null, 2);
    case 'github':
      return findings.map((f) => githubAnnotation(f, cwd)).join('\n');
  }
}

const SARIF_LEVEL: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it. The rules point at their docs in words:
 * `helpUri` must be absolute, and the docs ship with the tool, not at a URL.
 */
function sarif(findings: readonly Finding[], cwd: string): unknown {
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'prisma-migrations', rules: rules.map((id) => ({ id, help: { text: `See the rule "${id}" in prisma-migrations' docs/rules.md.` } })) } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.indexOf(f.rule),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(f.file, cwd), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
        })),
      },
    ],
  };
}

const GITHUB_COMMAND: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'notice' };

/** A GitHub Actions workflow command: the finding shows as an annotation on the file and line. */
function githubAnnotation(f: Finding, cwd: string): string {
  const properties = [`file=${escapeProperty(relativeUri(f.file, cwd))}`, `line=${f.line}`, `col=${f.column}`, `title=${escapeProperty(f.rule)}`].join(',');
  return `::${GITHUB_COMMAND[f.severity]} ${properties}::${escapeData(f.message)}`;
}

function relativeUri(file: string, cwd: string): string {
  return path.relative(cwd, file).split(path.sep).join('/');
}

/** The escaping GitHub's runner expects in a command's message. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** ...and in its properties, where `:` and `,` separate. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
