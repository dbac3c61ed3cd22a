import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';

export type Env = Record<string, string>;

/** The defined entries of an environment (process.env may hold `undefined` values). */
export function definedEnv(env: NodeJS.ProcessEnv): Env {
  const result: Env = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

/**
 * The `.env` files Prisma 6 loaded, in precedence order: the one beside the nearest package.json (the
 * project root), then the first of beside the schema, `prisma/.env`, `.env` in the working folder.
 * (Prisma 7 loads none itself; its configs `import 'dotenv/config'`, which reads the working folder's.)
 */
export function dotenvFiles(cwd: string, schemaPath?: string): string[] {
  const rootDir = nearestPackageJsonDir(cwd);
  const schemaEnv = [
    schemaPath === undefined ? undefined : path.join(path.dirname(schemaPath), '.env'),
    path.join(cwd, 'prisma', '.env'),
    path.join(cwd, '.env'),
  ].find(isFile);
  const files = [rootDir === undefined ? undefined : path.join(rootDir, '.env'), schemaEnv].filter(isFile);
  return [...new Set(files)];
}

function isFile(file: string | undefined): file is string {
  return file !== undefined && existsSync(file);
}

/**
 * `base` plus the variables of `files`. As with dotenv, a variable already set wins: the process
 * environment over any file, an earlier file over a later one. Values may use `${NAME}`, expanded the
 * way Prisma 6 did (braces only, `\${` for a literal).
 */
export function withDotenv(base: Env, files: readonly string[]): Env {
  const env: Env = { ...base };
  for (const file of files) {
    const parsed = dotenv.parse(readFileSync(file));
    for (const [key, value] of Object.entries(parsed)) {
      if (key in env) continue;
      env[key] = expand(value, (name) => env[name] ?? parsed[name] ?? '');
    }
  }
  return env;
}

function expand(value: string, lookup: (name: string) => string, depth = 0): string {
  // A variable referring to itself (directly or in a cycle) would otherwise recurse without end.
  if (depth > 10) return value;
  return value.replace(/(\\?)\$\{([A-Za-z0-9_]*)\}/g, (match, escape: string, name: string) =>
    escape ? match.slice(1) : expand(lookup(name), lookup, depth + 1),
  );
}

function nearestPackageJsonDir(from: string): string | undefined {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
