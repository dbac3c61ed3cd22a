import { createHash } from 'node:crypto';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import { type MigrationsFolder, readMigrationsFolder } from '../core/migrations/folder';
import { withSchemaFiles } from '../core/project/discover';
import { type SchemaAnalysis, SchemaChangeAnalyser } from '../core/schemaChanges/analyser';
import type { IgnoredPreviewFeature, PrismaProject, SchemaFile } from '../core/types';
import type { ServerProject } from '../shared/protocol';

interface Entry {
  project: ServerProject;
  /** What the analyser is built from: the migrations' names and scripts. */
  historyKey: string;
  /** Built on first use (a replay costs seconds on long histories); given back by `release` while nobody edits the schema. */
  analyser: () => Promise<SchemaChangeAnalyser>;
  built?: Promise<SchemaChangeAnalyser>;
  /** Analyses running on `built`: it is released only when none is. */
  running: number;
}

/**
 * The analysis of one schema text, or why there is none; with the preview features the engine's copy of
 * that text leaves out, whenever the text got that far.
 */
export type SchemaResult = (
  | { kind: 'analysed'; project: ServerProject; files: SchemaFile[]; analysis: SchemaAnalysis }
  | { kind: 'invalid'; project: ServerProject; files: SchemaFile[]; message: string }
  | { kind: 'unavailable'; project: ServerProject; files: SchemaFile[]; message: string }
) & { ignoredPreviewFeatures?: IgnoredPreviewFeature[] };

const PROVIDERS_WITH_ENGINE = new Set(['sqlite', 'postgresql']);

/**
 * The server's schema analyses, one per project: the history is replayed into a scratch database once
 * (and again only when the migrations change), then every version of the schema text is compared with it
 * in memory.
 */
export class SchemaAnalysisService {
  private entries = new Map<string, Entry>();

  constructor(private readonly log: (message: string) => void) {}

  /**
   * The projects the extension found. Returns those to analyse again: new ones, and those whose history or
   * schema files on disk changed (an open document's unsaved text is analysed on each change anyway).
   */
  setProjects(projects: readonly ServerProject[]): ServerProject[] {
    const next = new Map<string, Entry>();
    const changed: ServerProject[] = [];
    for (const project of projects) {
      const previous = this.entries.get(project.schemaPath);
      const folder = readMigrationsFolder(project.migrationsDir);
      const historyKey = keyOf(project, folder);
      if (previous && previous.historyKey === historyKey) {
        if (!sameFiles(previous.project.schemaFiles, project.schemaFiles)) changed.push(project);
        // The same entry, not a copy: its analyser closure and the analyses running on it hold this object.
        previous.project = project;
        next.set(project.schemaPath, previous);
        continue;
      }
      if (previous) void disposeEntry(previous);
      changed.push(project);
      if (PROVIDERS_WITH_ENGINE.has(project.provider)) {
        const entry: Entry = { project, historyKey, analyser: () => (entry.built ??= this.build(project, folder)), running: 0 };
        next.set(project.schemaPath, entry);
      }
    }
    for (const [schemaPath, entry] of this.entries) if (!next.has(schemaPath)) void disposeEntry(entry);
    this.entries = next;
    return changed;
  }

  get projects(): ServerProject[] {
    return [...this.entries.values()].map((e) => e.project);
  }

  /** The project a schema file belongs to (a multi-file schema's folder holds every file). */
  projectOf(file: string): ServerProject | undefined {
    return [...this.entries.values()]
      .map((e) => e.project)
      .find((p) => p.schemaFiles.some((f) => f.path === file) || (!p.schemaPath.endsWith('.prisma') && path.dirname(file) === p.schemaPath));
  }

  /** Analyses the project's schema with `openTexts` (the editor's unsaved documents, by path) in place of the files on disk. */
  async analyse(project: ServerProject, openTexts: ReadonlyMap<string, string>): Promise<SchemaResult> {
    const files = mergeFiles(project.schemaFiles, openTexts);
    const entry = this.entries.get(project.schemaPath);
    if (!entry) return { kind: 'unavailable', project, files, message: `Breaking-change analysis needs Prisma's schema engine, which has no ${project.provider} connector here.` };
    let current: PrismaProject;
    try {
      current = withSchemaFiles(project, files);
    } catch (error) {
      return { kind: 'invalid', project, files, message: errorMessage(error) };
    }
    const { ignoredPreviewFeatures } = current;
    entry.running += 1;
    try {
      let analyser: SchemaChangeAnalyser;
      try {
        analyser = await entry.analyser();
      } catch (error) {
        const message = `The migration history does not replay on an empty database, so the schema cannot be compared with it: ${errorMessage(error)}`;
        return { kind: 'unavailable', project, files, message, ignoredPreviewFeatures };
      }
      try {
        return { kind: 'analysed', project, files, analysis: await analyser.analyse(current), ignoredPreviewFeatures };
      } catch (error) {
        return { kind: 'invalid', project, files, message: errorMessage(error), ignoredPreviewFeatures };
      }
    } finally {
      entry.running -= 1;
    }
  }

  /**
   * Frees the project's replayed history (a scratch database: an in-memory PGlite holds tens of MB) once
   * nobody edits its schema; the next analysis builds it again, from the replay cache.
   */
  async release(project: ServerProject): Promise<void> {
    const entry = this.entries.get(project.schemaPath);
    if (!entry?.built || entry.running > 0) return;
    const built = entry.built;
    entry.built = undefined;
    await disposeEntry({ ...entry, built });
  }

  dispose(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    return Promise.all(entries.map(disposeEntry)).then(() => undefined);
  }

  private build(project: ServerProject, folder: MigrationsFolder): Promise<SchemaChangeAnalyser> {
    const started = performance.now();
    const analyser = SchemaChangeAnalyser.replay(project, folder, 'asYouType');
    analyser.then(
      () => this.log(`Replayed ${folder.migrations.length} migrations of ${project.schemaPath} in ${Math.round(performance.now() - started)} ms`),
      (error: unknown) => this.log(`Replaying the history of ${project.schemaPath} failed: ${errorMessage(error)}`),
    );
    return analyser;
  }
}

function keyOf(project: ServerProject, folder: MigrationsFolder): string {
  const hash = createHash('sha256').update(project.provider);
  for (const migration of folder.migrations) hash.update(`\0${migration.name}\0${migration.script ?? ''}`);
  return hash.digest('hex');
}

function sameFiles(a: readonly SchemaFile[], b: readonly SchemaFile[]): boolean {
  return a.length === b.length && a.every((file, i) => file.path === b[i].path && file.content === b[i].content);
}

function mergeFiles(files: readonly SchemaFile[], openTexts: ReadonlyMap<string, string>): SchemaFile[] {
  const merged = files.map((f) => ({ path: f.path, content: openTexts.get(f.path) ?? f.content }));
  // A new file of a multi-file schema, open but not yet read by the extension.
  for (const [file, content] of openTexts) if (!merged.some((f) => f.path === file)) merged.push({ path: file, content });
  return merged;
}

async function disposeEntry(entry: Entry): Promise<void> {
  const analyser = await entry.built?.catch(() => undefined);
  await analyser?.dispose();
}
