import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getSchemaWithPath, getSchemaWithPathOptional, type SchemaPathInput } from '@prisma/internals';
import { MigrateError, errorMessage } from '../errors';
import type { SchemaFile } from '../types';

export interface LocatedSchema {
  /** The schema file, or the folder of a multi-file schema. */
  path: string;
  /** Where Prisma puts `migrations` by default: the file's folder, or the schema folder itself. */
  rootDir: string;
  /** Sorted by path. */
  files: SchemaFile[];
  /** True when found through the working folder (package.json or a default location), not a given path. */
  foundInCwd: boolean;
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
 * `prisma/schema.prisma` in the base folder), with Prisma 6's `"prisma": { "schema" }` in package.json
 * kept before the default locations for projects that still use it.
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
  if (!found) {
    throw new MigrateError(
      'schema',
      `No Prisma schema found in ${lookup.baseDir}: no schema.prisma or prisma/schema.prisma there, ` +
        'and no prisma.config.ts or package.json names one.',
    );
  }
  return located(found, true);
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
  return { path: result.schemaPath, rootDir: result.schemaRootDir, files, foundInCwd };
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
