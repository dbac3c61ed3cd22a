import path from 'node:path';
import { splitStatements } from '../lint/sqlStatements';

/*
 * A `*.test.sql` file beside a migration, after Atlas's `migrate test` blocks but plain SQL (so editors
 * highlight it): tests are statements between directives, line comments of their own line such as
 * `-- test: <name>`, `-- migrate`, `-- assert: <message>`, `-- output: <row>`, `-- error: <text>`.
 */

/** A statement of a test file, where it starts (1-based). */
export interface TestStatement {
  sql: string;
  line: number;
}

/** What a test does, in its order; `line` is where the step is written (its directive's line, or the statement's). */
export type MigrationTestStep =
  /** A statement that must succeed. */
  | { kind: 'statement'; line: number; statement: TestStatement }
  /** Applies the history up to `to` (this migration when absent), as Prisma applies it. */
  | { kind: 'migrate'; line: number; to?: string }
  /** A query whose rows must all hold a true first column, and there must be rows. */
  | { kind: 'assert'; line: number; message?: string; statement: TestStatement }
  /** A query whose rows, rendered, must be exactly `rows` (trimmed). */
  | { kind: 'output'; line: number; rows: string[]; statement: TestStatement }
  /** A statement that must fail, with `text` in the database's message when given. */
  | { kind: 'error'; line: number; text?: string; statement: TestStatement };

export interface MigrationTest {
  name: string;
  /** 1-based line of its `-- test:`. */
  line: number;
  /** 1-based line of its last non-blank line. */
  endLine: number;
  steps: MigrationTestStep[];
}

export interface MigrationTestProblem {
  line: number;
  message: string;
}

export interface MigrationTestFile {
  file: string;
  /** The tests that can run: a test with a problem is left out, its problem stands for it. */
  tests: MigrationTest[];
  problems: MigrationTestProblem[];
}

type Keyword = 'test' | 'migrate' | 'assert' | 'output' | 'error';

interface Directive {
  keyword: Keyword;
  /** What follows the colon, trimmed; undefined without a colon. */
  argument?: string;
  line: number;
}

type Item = { directive: Directive } | { statement: TestStatement };

// Only these words, alone or before a colon: a comment such as `-- output looks right` stays prose.
const DIRECTIVE = /^(test|migrate|assert|output|error)\s*(?::(.*))?$/i;

/**
 * The tests of a test file and what is wrong with it. `file` is where it lives: the name of its folder is
 * the migration it tests. Pure: nothing is read or run.
 */
export function parseMigrationTests(text: string, file: string): MigrationTestFile {
  const migration = path.basename(path.dirname(file));
  const lines = text.split('\n');
  const tests: MigrationTest[] = [];
  const problems: MigrationTestProblem[] = [];
  const named = new Map<string, number>();
  let draft: { test: MigrationTest; migrates: boolean; broken: boolean } | undefined;
  let expectation: { directive: Directive; rows: string[] } | undefined;
  let outsideReported = false;

  const problem = (line: number, message: string) => {
    problems.push({ line, message });
    if (draft) draft.broken = true;
  };
  const dangling = () => {
    if (!expectation) return;
    const { keyword, line } = expectation.directive;
    problem(line, `-- ${keyword} must be followed by the statement it checks, within its test.`);
    expectation = undefined;
  };
  const close = (nextLine: number) => {
    dangling();
    if (!draft) return;
    const { test } = draft;
    test.endLine = lastContentLine(lines, test.line, nextLine - 1);
    if (!draft.migrates) problem(test.line, `Test "${test.name}" never migrates to ${migration}: it tests nothing of it. Add -- migrate where the migration is to run.`);
    if (!draft.broken) tests.push(test);
    draft = undefined;
  };

  for (const item of testItems(text, lines)) {
    if ('directive' in item && item.directive.keyword === 'test') {
      close(item.directive.line);
      const name = item.directive.argument ?? '';
      draft = { test: { name, line: item.directive.line, endLine: item.directive.line, steps: [] }, migrates: false, broken: false };
      const earlier = named.get(name);
      if (name === '') problem(item.directive.line, 'A test needs a name: -- test: <name>.');
      else if (earlier !== undefined) problem(item.directive.line, `Another test is named "${name}" (line ${earlier}): a test's name identifies it, make it unique.`);
      else named.set(name, item.directive.line);
      continue;
    }
    if (!draft) {
      const line = 'directive' in item ? item.directive.line : item.statement.line;
      if (!outsideReported) problems.push({ line, message: 'SQL before the first -- test: belongs to no test. Start a test with -- test: <name>.' });
      outsideReported = true;
      continue;
    }
    if ('statement' in item) {
      draft.test.steps.push(expectation ? expectationStep(expectation.directive, expectation.rows, item.statement) : { kind: 'statement', line: item.statement.line, statement: item.statement });
      expectation = undefined;
      continue;
    }
    const { directive } = item;
    if (directive.keyword === 'output' && expectation?.directive.keyword === 'output') {
      expectation.rows.push(directive.argument ?? '');
      continue;
    }
    dangling();
    if (directive.keyword === 'migrate') {
      draft.test.steps.push({ kind: 'migrate', line: directive.line, to: directive.argument || undefined });
      draft.migrates = true;
    } else {
      expectation = { directive, rows: directive.keyword === 'output' ? [directive.argument ?? ''] : [] };
    }
  }
  close(lines.length + 1);
  return { file, tests, problems };
}

function expectationStep(directive: Directive, rows: string[], statement: TestStatement): MigrationTestStep {
  const { line, argument } = directive;
  switch (directive.keyword) {
    case 'assert':
      return { kind: 'assert', line, message: argument || undefined, statement };
    case 'output':
      return { kind: 'output', line, rows, statement };
    default:
      return { kind: 'error', line, text: argument || undefined, statement };
  }
}

/**
 * The file's directives and statements in order. Directives are found among the comments the SQL
 * splitter sees, so a `-- test:` inside a string or a function body is SQL; the SQL between two
 * directives is split on its own, so a statement never runs across a directive.
 */
function testItems(text: string, lines: readonly string[]): Item[] {
  const directives = splitStatements(text).comments.flatMap((comment): Directive[] => {
    const own = lines[comment.line - 1]!.trim();
    if (!own.startsWith('--') || own.slice(2).trim() !== comment.text) return [];
    const match = DIRECTIVE.exec(comment.text);
    if (!match) return [];
    return [{ keyword: match[1]!.toLowerCase() as Keyword, argument: match[2]?.trim(), line: comment.line }];
  });
  const items: Item[] = [];
  let from = 0;
  for (const directive of [...directives, undefined]) {
    const to = directive ? directive.line - 1 : lines.length;
    const segment = lines.slice(from, to).join('\n');
    for (const statement of splitStatements(segment).statements) items.push({ statement: { sql: statement.text, line: statement.line + from } });
    if (directive) items.push({ directive });
    from = to + 1;
  }
  return items;
}

/** The last line from `first` to `last` (1-based) with something on it. */
function lastContentLine(lines: readonly string[], first: number, last: number): number {
  let line = Math.min(last, lines.length);
  while (line > first && lines[line - 1]!.trim() === '') line -= 1;
  return line;
}
