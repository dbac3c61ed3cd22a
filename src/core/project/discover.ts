import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { findPrismaConfigFile } from './configFile';
import { isMigrateError, MigrateError } from '../errors';
import type { PrismaProject, Provider, ResolvedUrl, SchemaFile, SchemaPosition } from '../types';
import { loadPrismaConfig, locateConfigFile, type PrismaConfigValues } from './config';
import { type ConfigOutput, configOutputToStderr } from './configOutput';
import { blankSpans, type BlockProperty, type SchemaBlock } from '../schema/schemaBlocks';
import { findDatasource, urlPropertySpans } from './datasource';
import { definedEnv, dotenvFiles, withDotenv, type Env } from './env';
import { defaultMigrationsDir } from './migrationsLocation';
import { ignoredPreviewFeaturesNote, unknownPreviewFeatures } from './previewFeatures';
import { holdsSchemaFiles, locateSchema, packageJsonSchema } from './schemaLocation';

export interface DiscoverOptions {
  /** The folder to start from, as the Prisma CLI's working directory. */
  cwd: string;
  /** --schema: a file, or the folder of a multi-file schema; relative to `cwd`. */
  schema?: string;
  /** --config: the prisma.config.ts to use; relative to `cwd`. */
  config?: string;
  /** False (VS Code Restricted Mode): prisma.config.ts is never executed; a warning says so. */
  trusted: boolean;
  /**
   * Defaults to process.env, which is never changed for good: while prisma.config.ts runs (its `env()`
   * reads process.env), process.env holds exactly this plus the project's .env, then is restored.
   */
  env?: NodeJS.ProcessEnv;
  /** Where prisma.config.ts's console output goes while it runs (default: stderr); never stdout. */
  configOutput?: ConfigOutput;
}

export interface FindProjectsOptions extends Omit<DiscoverOptions, 'cwd' | 'schema' | 'config'> {
  /** A folder that looks like a project but could not be discovered, e.g. its prisma.config.ts fails. */
  onError?: (folder: string, error: MigrateError) => void;
}

/** The Prisma project `options.cwd` belongs to, found the way the Prisma 7 CLI finds it. */
export async function discoverProject(options: DiscoverOptions): Promise<PrismaProject> {
  const cwd = path.resolve(options.cwd);
  const processEnv = definedEnv(options.env ?? process.env);
  const warnings: string[] = [];
  const urlWarnings: string[] = [];

  const configFile = locateConfigFile(cwd, options.config);
  // A found config sits in cwd (or cwd/.config); an explicit one defines its own folder.
  const configDir = configFile === undefined ? undefined : options.config === undefined ? cwd : path.dirname(configFile);
  const baseDir = configDir ?? cwd;
  let config: PrismaConfigValues | undefined;
  if (configFile !== undefined && options.trusted) {
    config = await loadPrismaConfig(configFile, withDotenv(processEnv, dotenvFiles(baseDir)), options.configOutput ?? configOutputToStderr);
    const unset = (name: string) => `${name} is not set (${path.basename(configFile)})`;
    warnings.push(...config.unsetEnv.map(unset));
    urlWarnings.push(...config.unsetUrlEnv.map(unset));
    for (const name of config.emptyEnv) warnings.push(`${name} is set but empty (${path.basename(configFile)})`);
  } else if (configFile !== undefined) {
    const name = path.basename(configFile);
    warnings.push(`${name} was not run because the workspace is not trusted: its schema, migrations and URLs are ignored.`);
  }

  const schema = await locateSchema({ cwd, baseDir, explicit: options.schema, fromConfig: config?.schema });
  const root = configDir ?? (schema.foundInCwd || existsSync(path.join(cwd, 'package.json')) ? cwd : path.dirname(schema.path));
  const datasource = findDatasource(schema.files);
  if (!datasource) {
    throw new MigrateError('schema', `The Prisma schema ${schema.path} has no datasource block.`, { file: schema.files[0].path });
  }
  const where = (position: SchemaPosition) => `${path.relative(root, position.file) || position.file}:${position.line}`;
  const provider = providerOf(datasource, where);

  const env = withDotenv(processEnv, dotenvFiles(baseDir, schema.path));
  const property = (name: string) => datasource.properties.find((p) => p.name === name);
  const fromSchema = (name: string, said: string[]) => schemaUrl(property(name), env, where, said);
  const fromConfig = (url: string | undefined): ResolvedUrl | undefined => (url === undefined ? undefined : { url, source: 'config' });
  // Prisma 6 ran Migrate over directUrl when there was one (url often points at a pooler).
  const url = fromConfig(config?.url) ?? fromSchema('directUrl', urlWarnings) ?? fromSchema('url', urlWarnings);
  const shadowDatabaseUrl = fromConfig(config?.shadowDatabaseUrl) ?? fromSchema('shadowDatabaseUrl', warnings);
  const engineView = engineFiles(schema.files, datasource, provider);
  if (engineView.ignoredPreviewFeatures) warnings.push(ignoredPreviewFeaturesNote(engineView.ignoredPreviewFeatures, where));

  return {
    root,
    schemaPath: schema.path,
    schemaFiles: schema.files,
    ...engineView,
    migrationsDir: config?.migrationsPath ?? defaultMigrationsDir(schema.path, datasource.file.path, schema.prisma65Layout === true),
    provider,
    datasourcePosition: datasource.position,
    ...(url && { url }),
    ...(shadowDatabaseUrl && { shadowDatabaseUrl }),
    ...(configFile !== undefined && { configFile }),
    ...(config && config.external.length > 0 && { externalTables: config.external }),
    warnings,
    ...(urlWarnings.length > 0 && { urlWarnings }),
  };
}

/**
 * The project with its schema as it is on disk now: the user edits and saves between two refreshes, and a
 * command must plan from what was saved, not from what the view last read.
 */
export async function reloadSchema(project: PrismaProject): Promise<PrismaProject> {
  const schema = await locateSchema({ cwd: project.root, baseDir: project.root, explicit: project.schemaPath });
  return withSchemaFiles(project, schema.files);
}

/** The project with these schema files (the editor's unsaved text) in place of what it read. */
export function withSchemaFiles(project: PrismaProject, files: SchemaFile[]): PrismaProject {
  const datasource = findDatasource(files);
  if (!datasource) {
    throw new MigrateError('schema', `The Prisma schema ${project.schemaPath} has no datasource block.`, { file: files[0]?.path ?? project.schemaPath });
  }
  const { ignoredPreviewFeatures: _previous, ...rest } = project;
  return { ...rest, schemaFiles: files, ...engineFiles(files, datasource, project.provider), datasourcePosition: datasource.position };
}

/** The files as the 7.x engine takes them: Prisma 6 URL properties and the preview features it does not know blanked in place. */
function engineFiles(
  files: readonly SchemaFile[],
  datasource: SchemaBlock,
  provider: Provider,
): Pick<PrismaProject, 'engineSchemaFiles' | 'ignoredPreviewFeatures'> {
  const unknown = unknownPreviewFeatures(files, provider);
  const engineSchemaFiles = files.map((file) => {
    const spans = [...(unknown.spans.get(file.path) ?? []), ...(file === datasource.file ? urlPropertySpans(datasource) : [])];
    return { path: file.path, content: spans.length === 0 ? file.content : blankSpans(file.content, spans) };
  });
  return { engineSchemaFiles, ...(unknown.ignored.length > 0 && { ignoredPreviewFeatures: unknown.ignored }) };
}

const MAX_DEPTH = 5;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist']);

/**
 * Every Prisma project under `root` (a monorepo's packages), shallowest first. Hidden folders,
 * node_modules and dist are skipped; a schema already claimed by a project above (its `prisma/`
 * folder, a config's schema folder) is not reported again.
 */
export async function findProjects(root: string, options: FindProjectsOptions): Promise<PrismaProject[]> {
  const { onError, ...discoverOptions } = options;
  const projects: PrismaProject[] = [];
  const claimed = new Set<string>();
  // A migrations folder holds hundreds of migration folders and never a project: not walked.
  const migrationFolders = new Set<string>();
  let level = [path.resolve(root)];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth += 1) {
    const next: string[] = [];
    for (const folder of level) {
      const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
      if (looksLikeProject(folder)) {
        try {
          const project = await discoverProject({ ...discoverOptions, cwd: folder });
          if (!project.schemaFiles.some((file) => claimed.has(file.path))) {
            projects.push(project);
            for (const file of project.schemaFiles) claimed.add(file.path);
            migrationFolders.add(path.resolve(project.migrationsDir));
          }
        } catch (error) {
          if (!isMigrateError(error)) throw error;
          onError?.(folder, error);
        }
      }
      for (const entry of entries) {
        const child = path.join(folder, entry.name);
        const skipped = entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) || migrationFolders.has(child);
        if (entry.isDirectory() && !skipped) next.push(child);
      }
    }
    level = next.sort();
  }
  return projects;
}

/** Whether the Prisma CLI, run in `folder`, would find a project without being told where. */
function looksLikeProject(folder: string): boolean {
  if (findPrismaConfigFile(folder) !== null) return true;
  if (existsSync(path.join(folder, 'schema.prisma')) || existsSync(path.join(folder, 'prisma', 'schema.prisma'))) return true;
  if (holdsSchemaFiles(path.join(folder, 'prisma', 'schema'))) return true;
  try {
    return packageJsonSchema(folder) !== undefined;
  } catch {
    // A broken package.json somewhere in a monorepo is not a Prisma problem.
    return false;
  }
}

const PROVIDERS: Record<string, Provider> = {
  postgresql: 'postgresql',
  postgres: 'postgresql',
  sqlite: 'sqlite',
  mysql: 'mysql',
  sqlserver: 'sqlserver',
  cockroachdb: 'cockroachdb',
  mongodb: 'mongodb',
};

function providerOf(datasource: SchemaBlock, where: (position: SchemaPosition) => string): Provider {
  const property = datasource.properties.find((p) => p.name === 'provider');
  const position = property?.position ?? datasource.position;
  const details = { file: position.file, line: position.line };
  if (property?.value.kind !== 'literal') {
    throw new MigrateError('schema', `The datasource block (${where(position)}) has no provider = "…".`, details);
  }
  const provider = PROVIDERS[property.value.value];
  if (!provider) {
    throw new MigrateError('schema', `Unknown datasource provider "${property.value.value}" (${where(position)}).`, details);
  }
  return provider;
}

/** A Prisma 6 URL property: a literal, or env("NAME") looked up in `env` (process env, then .env files). */
function schemaUrl(
  property: BlockProperty | undefined,
  env: Env,
  where: (position: SchemaPosition) => string,
  warnings: string[],
): ResolvedUrl | undefined {
  if (!property) return undefined;
  const { value } = property;
  switch (value.kind) {
    case 'literal':
      return { url: value.value, source: 'schema-literal' };
    case 'env': {
      // Set but empty is a URL (an undefined CI secret), and an error when used; unset means none.
      const url = env[value.name];
      if (url !== undefined) return { url, source: 'schema-env', envVar: value.name };
      warnings.push(`${value.name} is not set (${where(property.position)})`);
      return undefined;
    }
    case 'other':
      warnings.push(`${property.name} (${where(property.position)}) is neither a string nor env("…") and is ignored`);
      return undefined;
  }
}
