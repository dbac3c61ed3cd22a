import { parseArgs } from 'node:util';
import { FINDING_FORMATS, type FindingFormat } from '../core/check/findingFormats';
import { MigrateError } from '../core/errors';
import { TEST_RESULT_FORMATS, type TestResultFormat } from '../core/migrationTests/testResultFormats';
import { REHEARSAL_FORMATS, type RehearsalFormat } from '../core/rehearsal/rehearsalText';
import { sizeInBytes } from '../core/text/byteSize';

const COMMON_OPTIONS = {
  schema: { type: 'string' },
  config: { type: 'string' },
  url: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** On the commands that destroy data: a server host they may run on besides the machine itself. */
const ALLOW_HOST = { 'allow-host': { type: 'string', multiple: true } } as const;

const COMMAND_OPTIONS = {
  status: { json: { type: 'boolean' }, 'no-drift': { type: 'boolean' } },
  diff: { from: { type: 'string' }, to: { type: 'string' }, script: { type: 'boolean' }, 'exit-code': { type: 'boolean' } },
  create: { name: { type: 'string' }, draft: { type: 'boolean' }, 'accept-data-loss': { type: 'boolean' }, test: { type: 'boolean' }, ...ALLOW_HOST },
  apply: {},
  resolve: { applied: { type: 'string' }, 'rolled-back': { type: 'string' } },
  reset: { force: { type: 'boolean' }, ...ALLOW_HOST },
  check: { json: { type: 'boolean' }, format: { type: 'string' }, ci: { type: 'boolean' }, 'fail-on': { type: 'string' }, base: { type: 'string' } },
  execute: { file: { type: 'string' } },
  down: { verify: { type: 'boolean' }, write: { type: 'boolean' }, force: { type: 'boolean' } },
  rollback: { force: { type: 'boolean' }, ...ALLOW_HOST },
  squash: { from: { type: 'string' }, to: { type: 'string' }, name: { type: 'string' }, ...ALLOW_HOST },
  verify: { json: { type: 'boolean' }, format: { type: 'string' }, 'fail-on': { type: 'string' } },
  init: { name: { type: 'string' }, baseline: { type: 'boolean' } },
  pull: { force: { type: 'boolean' } },
  regenerate: { force: { type: 'boolean' } },
  test: { run: { type: 'string' }, format: { type: 'string' } },
  rehearse: { format: { type: 'string' }, 'max-size': { type: 'string' } },
} as const;

export type Command = keyof typeof COMMAND_OPTIONS;
export type Values = Record<string, string | string[] | boolean | undefined>;

export function isCommand(name: string): name is Command {
  return name in COMMAND_OPTIONS;
}

/** A command's options as the CLI reads them; throws on an option the command does not take. */
export function parseOptions(command: Command, args: readonly string[]): Values {
  const parsed = parseArgs({ args: [...args], options: { ...COMMON_OPTIONS, ...COMMAND_OPTIONS[command] }, strict: true, allowPositionals: command === 'down' || command === 'regenerate' });
  return { ...(parsed.values as Values), migration: parsed.positionals[0] };
}

/** Exit code for errors, whatever the command (`diff --exit-code` follows Prisma: 1). */
export const ERROR_EXIT = 2;

/** Argument mistakes are reported before any database is opened. */
export function validateArguments(command: Command, values: Values): void {
  const usage = (message: string) => new MigrateError('config', `${message} (see prisma-migrations ${command} --help)`);
  // An unset CI secret arrives as --url "": falling back to another database would report its success.
  if (values.url !== undefined && String(values.url).trim() === '') throw usage('--url is empty: give the database URL, or leave --url out to use the configured one');
  if ((values['allow-host'] as string[] | undefined)?.some((host) => host.trim() === '')) throw usage('--allow-host needs a host name');
  if (command === 'diff') {
    for (const side of ['from', 'to'] as const) {
      if (!SOURCES.includes(String(values[side]) as SourceName)) throw usage(`--${side} must be one of ${SOURCES.join(', ')}`);
    }
  }
  if (command === 'create' && !values.name) throw usage('--name is required');
  if (command === 'resolve' && Boolean(values.applied) === Boolean(values['rolled-back'])) {
    throw usage('give exactly one of --applied <migration> or --rolled-back <migration>');
  }
  if (command === 'execute' && !values.file) throw usage('--file is required');
  if (values.base !== undefined && !values.ci) throw usage('--base goes with --ci');
  // A ref starting with "-" would reach git as an option.
  if (values.base !== undefined && (!values.base || String(values.base).startsWith('-'))) throw usage('--base needs a git branch or commit, e.g. origin/main');
  const reportsFindings = command === 'check' || command === 'verify';
  if (reportsFindings && values['fail-on'] !== undefined && !['error', 'warning'].includes(String(values['fail-on']))) throw usage('--fail-on must be error or warning');
  if (reportsFindings && values.format !== undefined && !FINDING_FORMATS.includes(values.format as FindingFormat)) {
    throw usage(`--format must be one of ${FINDING_FORMATS.join(', ')}`);
  }
  if (command === 'reset' && !values.force) throw usage('reset deletes all data in the database; add --force to confirm');
  if (command === 'down' && values.force && !values.write) throw usage('--force goes with --write');
  if ((command === 'down' || command === 'regenerate') && !values.migration) throw usage(`name the migration: prisma-migrations ${command} <migration>`);
  if (command === 'squash' && (!values.to || !values.name)) throw usage('--to <migration> and --name <name> are required');
  if (command === 'test' && values.run !== undefined && testFilter(String(values.run)) === undefined) throw usage('--run takes a regular expression, matched against "<migration> › <test name>"');
  if (command === 'test' && values.format !== undefined && !TEST_RESULT_FORMATS.includes(values.format as TestResultFormat)) {
    throw usage(`--format must be one of ${TEST_RESULT_FORMATS.join(', ')}`);
  }
  if (command === 'rehearse' && values.format !== undefined && !REHEARSAL_FORMATS.includes(values.format as RehearsalFormat)) {
    throw usage(`--format must be one of ${REHEARSAL_FORMATS.join(', ')}`);
  }
  if (command === 'rehearse' && values['max-size'] !== undefined && sizeInBytes(String(values['max-size'])) === undefined) {
    throw usage('--max-size takes a size such as 500MB or 2GB');
  }
}

export const SOURCES = ['empty', 'migrations', 'schema', 'database'] as const;
export type SourceName = (typeof SOURCES)[number];

/** `test --run`: the regular expression, or undefined when it is not one. */
export function testFilter(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}
