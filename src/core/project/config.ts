import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LoadConfigFromFileError } from '@prisma/config';
import { findPrismaConfigFile, prismaConfigModule } from './configFile';
import { MigrateError } from '../errors';
import { type ConfigOutput, withConfigOutput } from './configOutput';
import type { Env } from './env';

/** What discovery takes from a prisma.config.ts. Paths are absolute (resolved against the config's folder). */
export interface PrismaConfigValues {
  file: string;
  schema?: string;
  migrationsPath?: string;
  url?: string;
  shadowDatabaseUrl?: string;
  /** Tables and enums the config says are managed outside Prisma Migrate (`tables.external`, `enums.external`). */
  external: string[];
  /** Variables the config read with `env()` that are not set; URLs built from them are left out. */
  unsetEnv: string[];
  /** Those of them only `datasource.url` is built from: they matter only where that URL is used. */
  unsetUrlEnv: string[];
  /** Variables the config read with `env()` that are set but empty: URLs built from them keep them empty. */
  emptyEnv: string[];
}

/** The config file Prisma 7 would use: `explicit` (--config) resolved against `cwd`, else the one found in `cwd`. */
export function locateConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit === undefined) return findPrismaConfigFile(cwd) ?? undefined;
  const file = path.resolve(cwd, explicit);
  // Checked here because loadConfigFromFile reports a missing explicit file under a garbled path.
  if (!existsSync(file)) throw new MigrateError('config', `The Prisma config file ${file} does not exist.`, { file });
  return file;
}

/** Enough retries for every unset variable a real config reads; each retry re-runs the config. */
const MAX_UNSET_VARIABLES = 20;

/**
 * Runs the user's config file (callers must only do this in a trusted workspace) with `env` as its
 * process environment. `env()` throws on an unset variable and the whole config would be lost with it,
 * schema and migrations paths included: such variables get a placeholder and a second run, and any URL
 * built from a placeholder is dropped. What the config prints goes to `output`, never to stdout.
 */
export async function loadPrismaConfig(file: string, env: Env, output: ConfigOutput): Promise<PrismaConfigValues> {
  const placeholders: Env = {};
  for (let attempt = 0; attempt <= MAX_UNSET_VARIABLES; attempt += 1) {
    const processEnv = { DOTENV_CONFIG_QUIET: 'true', ...env, ...placeholders, JITI_ALIAS: JSON.stringify(moduleAliases()) };
    const result = await withProcessEnv(processEnv, () =>
      withConfigOutput(output, () => prismaConfigModule().loadConfigFromFile({ configFile: file, configRoot: path.dirname(file) })),
    );
    if (result.error) {
      const unset = unsetVariable(result.error);
      if (unset === undefined || unset in placeholders) throw configError(file, result.error);
      placeholders[unset] = `env-not-set://${unset}`;
      continue;
    }
    const { config } = result;
    // `env()` refuses an empty variable as it does an unset one, but an empty one (a CI secret that is not
    // defined) is a URL the user gave: it stays in the URL, empty, and using that URL is an error.
    const emptyEnv = Object.keys(placeholders).filter((name) => env[name] !== undefined);
    const real = (text: string | undefined) => {
      if (text === undefined) return undefined;
      const filled = emptyEnv.reduce((result, name) => result.split(placeholders[name]).join(''), text);
      return Object.values(placeholders).some((p) => filled.includes(p)) ? undefined : filled;
    };
    const { url, shadowDatabaseUrl } = config.datasource ?? {};
    const onlyInUrl = (name: string) => Boolean(url?.includes(placeholders[name]) && !shadowDatabaseUrl?.includes(placeholders[name]));
    const unset = Object.keys(placeholders).filter((name) => !emptyEnv.includes(name));
    return {
      file,
      schema: config.schema,
      migrationsPath: config.migrations?.path,
      url: real(url),
      shadowDatabaseUrl: real(shadowDatabaseUrl),
      external: [...(config.tables?.external ?? []), ...(config.enums?.external ?? [])],
      unsetEnv: unset.filter((name) => !onlyInUrl(name)),
      unsetUrlEnv: unset.filter(onlyInUrl),
      emptyEnv,
    };
  }
  throw new MigrateError('config', `${file} reads more than ${MAX_UNSET_VARIABLES} environment variables that are not set.`, { file });
}

/**
 * Configs import `prisma/config` (and often `dotenv/config`) from the project's node_modules, which
 * may not exist: a folder just cloned, or a project whose Prisma CLI is global. jiti, which runs the
 * config, reads extra aliases from JITI_ALIAS, so those imports resolve to the copies installed with
 * us. Aliases must point at real files; where ours cannot be found (a bundle shipped without them),
 * the project's own node_modules is the only option left.
 */
function moduleAliases(): Env {
  const aliases: Env = {};
  const alias = (specifier: string, target: string) => {
    try {
      aliases[specifier] = require.resolve(target);
    } catch {
      // Not installed beside us: leave the import to the project.
    }
  };
  alias('prisma/config', '@prisma/config');
  alias('@prisma/config', '@prisma/config');
  alias('dotenv', 'dotenv');
  alias('dotenv/config', 'dotenv/config');
  return aliases;
}

function unsetVariable(error: LoadConfigFromFileError): string | undefined {
  if (error._tag === 'ConfigFileNotFound' || error.error.name !== 'PrismaConfigEnvError') return undefined;
  return /environment variable: (.+)\.$/.exec(error.error.message)?.[1];
}

function configError(file: string, error: LoadConfigFromFileError): MigrateError {
  if (error._tag === 'ConfigFileNotFound') return new MigrateError('config', `The Prisma config file ${file} does not exist.`, { file });
  const details = { file, line: lineIn(error.error.message, file), cause: error.error };
  if (error._tag === 'ConfigFileSyntaxError') {
    return new MigrateError('config', `${file} does not export a valid Prisma config: ${shapeProblem(error.error.message)}.`, details);
  }
  // jiti's messages repeat the full path ("ParseError: … /abs/prisma.config.ts:3:0"): once is enough.
  const message = oneLine(error.error.message).split(file).join(path.basename(file));
  return new MigrateError('config', `Could not load ${file}: ${message}.`, details);
}

/** jiti reports syntax errors as "ParseError: … <file>:<line>:<column>". */
function lineIn(message: string, file: string): number | undefined {
  const index = message.indexOf(`${file}:`);
  if (index === -1) return undefined;
  const line = Number.parseInt(message.slice(index + file.length + 1), 10);
  return Number.isNaN(line) ? undefined : line;
}

/** effect's ParseError starts with the whole expected type on one line; the tree below it says what is wrong. */
function shapeProblem(message: string): string {
  const tree = message.split('\n').slice(1).map((line) => line.replace(/^[\s└├│─]+/, ''));
  return oneLine(tree.join(' ') || message);
}

function oneLine(message: string): string {
  return message.split('\nRequire stack:')[0].replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `task` with process.env replaced by `env`, then restores it exactly: the config and its
 * `env()` read process.env, and nothing it sets (dotenv included) may outlive the call. Calls are
 * serialised so two overlapping loads cannot restore each other's environment.
 */
function withProcessEnv<T>(env: Env, task: () => Promise<T>): Promise<T> {
  const turn = queue.then(async () => {
    const saved = { ...process.env };
    replaceProcessEnv(env);
    try {
      return await task();
    } finally {
      replaceProcessEnv(saved);
    }
  });
  queue = turn.catch(() => undefined);
  return turn;
}

function replaceProcessEnv(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined && process.env[key] !== value) process.env[key] = value;
}
