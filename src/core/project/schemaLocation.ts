import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getSchemaWithPath, getSchemaWithPathOptional, type SchemaPathInput } from '@prisma/internals/dist/cli/getSchema.js';
import { MigrateError, errorMessage } from '../errors';
import type { SchemaFile } from '../types';

export interface LocatedSchema {
  /** The schema file, or the folder of a multi-file schema. */
  path: string;
  /** Sorted by path. */
  files: SchemaFile[];
  /** True when found through the working folder (package.json or a default location), not a given path. */
  foundInCwd: boolean;
  /** Found as only Prisma 6.5 and earlier found it: the `prisma/schema` folder, by default. */
  prisma65Layout?: true;
}

export interface SchemaLookup {
  cwd: string;
  /** Where the default locations are looked up: the config file's folder, else the working folder. */
  baseDir: string;
  /** --schema, relative to `cwd`. */
  explicit?: string;
  /** `schema` from prisma.config.ts, absolute. */
  fromConfig?: string;
}

/**
 * Prisma 7's lookup (`--schema`, then the config's `schema`, then `schema.prisma` and
 * `prisma/schema.prisma` in the base folder), with what Prisma 6 also found kept for projects that still
 * rely on it: `"prisma": { "schema" }` in package.json before the default locations, and (6.5 and
 * earlier) the `prisma/schema` folder after them.
 */
export async function locateSchema(lookup: SchemaLookup): Promise<LocatedSchema> {
  const { cwd } = lookup;
  if (lookup.explicit !== undefined) return load({ cliProvidedPath: lookup.explicit }, cwd, false);
  if (lookup.fromConfig !== undefined) return load({ configProvidedPath: lookup.fromConfig }, cwd, false);
  const fromPackageJson = packageJsonSchema(cwd);
  if (fromPackageJson !== undefined) {
    return load({ cliProvidedPath: fromPackageJson }, cwd, true, '"prisma.schema" in package.json');
  }
  const found = await getSchemaWithPathOptional({ schemaPath: { baseDir: lookup.baseDir }, cwd });
  const folder = path.join(lookup.baseDir, 'prisma', 'schema');
  const hasFolder = holdsSchemaFiles(folder);
  if (found && hasFolder && found.schemaPath === path.join(lookup.baseDir, 'prisma', 'schema.prisma')) {
    // Prisma 6.5 refused this too; Prisma 7 would silently take the file and ignore the folder.
    throw new MigrateError(
      'schema',
      `Found Prisma schemas at both ${found.schemaPath} and the folder ${folder}: remove one, or name the one to use with --schema or schema in prisma.config.ts.`,
    );
  }
  if (found) return located(found, true);
  // Prisma 6.5 and earlier also looked for the folder; Prisma 6.6+ and 7 need it named.
  if (hasFolder) return { ...(await load({ cliProvidedPath: folder }, cwd, true)), prisma65Layout: true };
  throw new MigrateError(
    'schema',
    `No Prisma schema found in ${lookup.baseDir}: no schema.prisma, prisma/schema.prisma or prisma/schema/ folder of .prisma files there, ` +
      'and no prisma.config.ts or package.json names one.',
  );
}

/** Whether `folder` exists and has .prisma files somewhere below it. */
export function holdsSchemaFiles(folder: string): boolean {
  try {
    return readdirSync(folder, { recursive: true }).some((name) => String(name).endsWith('.prisma'));
  } catch {
    return false;
  }
}

/** `argumentName` is how Prisma's error message names a given path ("Could not load `--schema` from …"). */
async function load(schemaPath: SchemaPathInput, cwd: string, foundInCwd: boolean, argumentName = '--schema'): Promise<LocatedSchema> {
  try {
    return located(await getSchemaWithPath({ schemaPath, cwd, argumentName }), foundInCwd);
  } catch (error) {
    if (error instanceof MigrateError) throw error;
    throw new MigrateError('schema', errorMessage(error), { cause: error });
  }
}

function located(result: Awaited<ReturnType<typeof getSchemaWithPath>>, foundInCwd: boolean): LocatedSchema {
  const files = result.schemas
    .map(([file, content]) => ({ path: file, content }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (files.length === 0) throw new MigrateError('schema', `The schema folder ${result.schemaPath} contains no .prisma files.`);
  return { path: result.schemaPath, files, foundInCwd };
}

/** `"prisma": { "schema" }` from the package.json in `cwd` (Prisma 6; Prisma 7 no longer reads it). */
export function packageJsonSchema(cwd: string): string | undefined {
  const file = path.join(cwd, 'package.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new MigrateError('config', `${file} is not valid JSON: ${errorMessage(error)}`, { file, cause: error });
  }
  const schema = (manifest as { prisma?: { schema?: unknown } } | null)?.prisma?.schema;
  if (schema === undefined) return undefined;
  if (typeof schema !== 'string') throw new MigrateError('config', `"prisma.schema" in ${file} must be a path.`, { file });
  return schema;
}
