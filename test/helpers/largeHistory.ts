import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqlite } from '../../src/core/db/sqlite';
import { MigrationEngine } from '../../src/core/engine/migrationEngine';
import { LOCKFILE, lockfileContent, MIGRATION_FILE } from '../../src/core/migrations/folder';

/**
 * A real-size Prisma project, generated: a 100-model schema (every scalar kind, optional and unique
 * fields, relations, two enums) and the 200-migration history that reaches exactly that schema.
 * Migrations 1–100 each create one model's table (with its indexes and foreign keys to earlier tables);
 * 101–200 each change one of them (a column, an index, a unique constraint, a foreign key, an enum value).
 *
 * Every migration's SQL is written by Prisma's schema engine itself (datamodel → datamodel diff between
 * consecutive schemas, as `prisma migrate dev` would write it), so it is exactly what the engine
 * considers equivalent to the schema. The generated folders are cached per provider under the OS temp
 * folder, keyed by a hash of this file and the engine's version.
 */

export type LargeProvider = 'sqlite' | 'postgresql';

export const MODEL_COUNT = 100;
export const MIGRATION_COUNT = 2 * MODEL_COUNT;

export interface LargeProject {
  root: string;
  schemaPath: string;
  migrationsDir: string;
  schemaText: string;
  /** Model names, in creation order. */
  models: string[];
  /** Migration folder names, in order. */
  migrations: string[];
}

export interface GenerationReport {
  /** Where the cached history lives. */
  cacheDir: string;
  /** False when the history came from the cache. */
  generated: boolean;
  /** Time spent generating (engine diffs included), 0 from the cache. */
  ms: number;
}

// ---------------------------------------------------------------------------------------------------
// The schema at each step

export const modelName = (i: number) => `Model${String(i).padStart(3, '0')}`;

const ENUMS = {
  Status: ['ACTIVE', 'INACTIVE', 'ARCHIVED'],
  Priority: ['LOW', 'MEDIUM', 'HIGH'],
} as const;

/** Enum values added by a later migration: model index of the step → [enum, value]. */
const ENUM_ADDITIONS: ReadonlyMap<number, [keyof typeof ENUMS, string]> = new Map([
  [50, ['Status', 'SUSPENDED']],
  [90, ['Priority', 'URGENT']],
]);

interface Relation {
  field: string;
  column: string;
  target: number;
  optional: boolean;
  onDelete?: 'Cascade' | 'SetNull';
  /** The back-relation field on the target model. */
  backField: string;
}

/** Relations declared when the model is created. */
function creationRelations(i: number): Relation[] {
  const relations: Relation[] = [];
  const tag = String(i).padStart(3, '0');
  if (i % 7 === 0) relations.push({ field: 'parent', column: 'parentId', target: i - 3, optional: true, backField: `children${tag}` });
  if (i % 11 === 0) {
    relations.push({ field: 'owner', column: 'ownerId', target: Math.floor(i / 2), optional: false, onDelete: 'Cascade', backField: `owned${tag}` });
  }
  return relations;
}

/** The relation the second-half migration of model i adds, if its change is a foreign key. */
function addedRelation(i: number): Relation | undefined {
  if (i % 10 !== 9) return undefined;
  return { field: 'ref', column: 'refId', target: i - 1, optional: true, onDelete: 'SetNull', backField: `refs${String(i).padStart(3, '0')}` };
}

/** What migration 100 + i changes on model i: field lines and block attributes. */
function change(i: number): { fields: string[]; attributes: string[] } {
  switch (i % 10) {
    case 0:
      return { fields: [], attributes: ['@@index([title])'] };
    case 1:
    case 4:
    case 7:
      return { fields: ['description String?'], attributes: [] };
    case 2:
    case 5:
      return { fields: ['rank Int @default(0)'], attributes: [] };
    case 3:
      return { fields: [], attributes: ['@@unique([title, createdAt])'] };
    case 6:
      // A non-constant default: SQLite cannot ADD COLUMN it, the engine redefines the table.
      return { fields: ['updatedAt DateTime @default(now())'], attributes: [] };
    case 8:
      return { fields: ['ratio Float @default(1.5)'], attributes: [] };
    default:
      return { fields: [], attributes: [] }; // 9: a foreign key, see addedRelation
  }
}

/**
 * The schema after `step` migrations: models 1..min(step, 100) exist; the models 1..step-100 carry
 * their second-half change. Step 0 is the empty schema.
 */
export function schemaAt(provider: LargeProvider, step: number): string {
  const created = Math.min(step, MODEL_COUNT);
  const changed = Math.max(0, step - MODEL_COUNT);
  const parts = [`datasource db {\n  provider = "${provider}"\n}\n`];
  if (created === 0) return parts.join('\n');

  for (const [name, values] of Object.entries(ENUMS)) {
    const added = [...ENUM_ADDITIONS].filter(([i, [e]]) => e === name && i <= changed).map(([, [, v]]) => v);
    parts.push(`enum ${name} {\n${[...values, ...added].map((v) => `  ${v}\n`).join('')}}\n`);
  }

  const relationsOf = (i: number) => [...creationRelations(i), ...(i <= changed ? [addedRelation(i)] : [])].filter((r): r is Relation => !!r);
  const backRelations = new Map<number, string[]>();
  for (let i = 1; i <= created; i += 1) {
    for (const r of relationsOf(i)) backRelations.set(r.target, [...(backRelations.get(r.target) ?? []), `${r.backField} ${modelName(i)}[]`]);
  }

  for (let i = 1; i <= created; i += 1) {
    const fields: string[] = [
      'id Int @id @default(autoincrement())',
      'title String',
      ...(i % 3 === 0 ? ['slug String @unique'] : []),
      'quantity Int @default(0)',
      'enabled Boolean @default(true)',
      'createdAt DateTime @default(now())',
      'amount Float?',
      'note String?',
      ...(i % 10 === 1 ? ['status Status @default(ACTIVE)'] : []),
      ...(i % 10 === 6 ? ['priority Priority?'] : []),
      ...(i % 5 === 2 ? ['email String? @unique'] : []),
    ];
    const attributes: string[] = i % 4 === 2 ? ['@@index([createdAt])'] : [];
    for (const r of relationsOf(i)) {
      fields.push(`${r.column} Int${r.optional ? '?' : ''}`);
      const onDelete = r.onDelete ? `, onDelete: ${r.onDelete}` : '';
      fields.push(`${r.field} ${modelName(r.target)}${r.optional ? '?' : ''} @relation(fields: [${r.column}], references: [id]${onDelete})`);
      attributes.push(`@@index([${r.column}])`);
    }
    if (i <= changed) {
      const { fields: f, attributes: a } = change(i);
      fields.push(...f);
      attributes.push(...a);
    }
    fields.push(...(backRelations.get(i) ?? []));
    parts.push(renderModel(modelName(i), fields, attributes));
  }
  return parts.join('\n');
}

/** A model block with aligned columns, as `prisma format` would lay it out. */
function renderModel(name: string, fields: string[], attributes: string[]): string {
  const split = fields.map((f) => f.split(' '));
  const nameWidth = Math.max(...split.map(([n]) => n.length));
  const typeWidth = Math.max(...split.map(([, t]) => t.length));
  const lines = split.map(([n, t, ...rest]) => `  ${n.padEnd(nameWidth)} ${rest.length ? `${t.padEnd(typeWidth)} ${rest.join(' ')}` : t}`.trimEnd());
  const blockAttributes = attributes.length ? ['', ...attributes.map((a) => `  ${a}`)] : [];
  return `model ${name} {\n${[...lines, ...blockAttributes].join('\n')}\n}\n`;
}

/** Migration folder names: one minute apart, so they sort in order. */
export function migrationName(step: number): string {
  const at = new Date(Date.UTC(2024, 0, 1, 9, 0, 0) + step * 60_000);
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const i = step <= MODEL_COUNT ? step : step - MODEL_COUNT;
  const model = modelName(i).toLowerCase();
  if (step <= MODEL_COUNT) return `${stamp}_create_${model}`;
  const kind = i % 10 === 9 ? 'add_ref' : i % 10 === 0 ? 'index_title' : i % 10 === 3 ? 'unique_title' : 'add_column';
  return `${stamp}_${model}_${kind}${ENUM_ADDITIONS.has(i) ? '_and_enum_value' : ''}`;
}

// ---------------------------------------------------------------------------------------------------
// Generation and cache

function cacheKey(provider: LargeProvider): string {
  // The package's exports do not include package.json: it sits beside the entry point.
  const enginePackage = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm')), 'package.json');
  const engineVersion = (JSON.parse(readFileSync(enginePackage, 'utf8')) as { version: string }).version;
  return createHash('sha256').update(readFileSync(__filename)).update(engineVersion).update(provider).digest('hex').slice(0, 16);
}

/**
 * Writes the 200 migration folders into `migrationsDir`, each one's SQL from the engine's diff between
 * the schemas before and after it. Returns the time it took.
 */
export async function generateHistory(provider: LargeProvider, migrationsDir: string): Promise<number> {
  const started = performance.now();
  const scratch = mkdtempSync(path.join(tmpdir(), 'pm-large-gen-'));
  const schemaPath = path.join(scratch, 'schema.prisma');
  // Datamodel → datamodel diffs never touch a database; the engine only needs an adapter to start.
  const engine = new MigrationEngine({
    database: openSqlite(path.join(scratch, 'unused.db')),
    schemaFiles: [{ path: schemaPath, content: schemaAt('sqlite', 0) }],
    configDir: scratch,
  });
  try {
    mkdirSync(migrationsDir, { recursive: true });
    writeFileSync(path.join(migrationsDir, LOCKFILE), lockfileContent(provider));
    let previous = schemaAt(provider, 0);
    for (let step = 1; step <= MIGRATION_COUNT; step += 1) {
      const next = schemaAt(provider, step);
      const diff = await engine.diff(
        { kind: 'schema', files: [{ path: schemaPath, content: previous }] },
        { kind: 'schema', files: [{ path: schemaPath, content: next }] },
        { script: true },
      );
      if (!diff.hasChanges) throw new Error(`Generated migration ${step} (${migrationName(step)}) is empty for ${provider}.`);
      const dir = path.join(migrationsDir, migrationName(step));
      mkdirSync(dir);
      writeFileSync(path.join(dir, MIGRATION_FILE), `${diff.output}\n`);
      previous = next;
    }
  } finally {
    await engine.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
  return performance.now() - started;
}

/** The cached migrations folder for `provider`, generated on first use (safe with concurrent processes). */
export async function cachedHistory(provider: LargeProvider): Promise<GenerationReport> {
  const cacheDir = path.join(tmpdir(), `pm-large-history-${provider}-${cacheKey(provider)}`);
  if (existsSync(path.join(cacheDir, 'complete'))) return { cacheDir, generated: false, ms: 0 };
  const building = mkdtempSync(`${cacheDir}.building-`);
  try {
    const ms = await generateHistory(provider, path.join(building, 'migrations'));
    writeFileSync(path.join(building, 'complete'), '');
    try {
      renameSync(building, cacheDir);
    } catch (error) {
      // Another process finished first: theirs is the same history.
      if (!existsSync(path.join(cacheDir, 'complete'))) throw error;
      rmSync(building, { recursive: true, force: true });
    }
    return { cacheDir, generated: true, ms };
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Writes the project into `root` (created if needed): `prisma/schema.prisma` with the final 100-model
 * schema and `prisma/migrations` with the 200 migrations and the lockfile.
 */
export async function writeLargeProject(provider: LargeProvider, root: string): Promise<LargeProject & { generation: GenerationReport }> {
  const generation = await cachedHistory(provider);
  const prismaDir = path.join(root, 'prisma');
  const schemaPath = path.join(prismaDir, 'schema.prisma');
  const migrationsDir = path.join(prismaDir, 'migrations');
  mkdirSync(prismaDir, { recursive: true });
  cpSync(path.join(generation.cacheDir, 'migrations'), migrationsDir, { recursive: true });
  const schemaText = schemaAt(provider, MIGRATION_COUNT);
  writeFileSync(schemaPath, schemaText);
  return {
    root,
    schemaPath,
    migrationsDir,
    schemaText,
    models: Array.from({ length: MODEL_COUNT }, (_, i) => modelName(i + 1)),
    migrations: Array.from({ length: MIGRATION_COUNT }, (_, i) => migrationName(i + 1)),
    generation,
  };
}
