// The language server: owns the analysis of Prisma schemas and migration files for the editor. Started by
// the extension (src/features/languageClient) over IPC; the CLI's `check` runs the same core analysis.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  CodeActionKind,
  createConnection,
  type Diagnostic,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { errorMessage } from '../core/errors';
import { withSchemaFiles } from '../core/project/discover';
import type { SchemaFinding } from '../core/schemaChanges/analyser';
import { withDataLoss } from '../core/schemaChanges/dataLoss';
import { uniqueChecks } from '../core/schemaChanges/duplicates';
import type { IgnoredPreviewFeature, SchemaFile } from '../core/types';
import {
  DATA_LOSS_REQUEST,
  type DataLossParams,
  type DataLossResult,
  PROJECTS_NOTIFICATION,
  type ProjectsParams,
  SCHEMA_CHANGES_NOTIFICATION,
  type SchemaChangesParams,
  type ServerProject,
} from '../shared/protocol';
import { DEFAULT_SERVER_SETTINGS, DIAGNOSTIC_SOURCE, type ServerSettings, SETTINGS_SECTION } from '../shared/settings';
import { type SchemaResult, SchemaAnalysisService } from './schemaAnalysis';
import { findingOf, schemaCodeActions, schemaDiagnostics, schemaHover } from './schemaDiagnostics';
import { isMigrationFile, sqlDiagnostics } from './sqlDiagnostics';

/** Keystrokes come in bursts: analyse once the burst pauses. */
const DEBOUNCE_MS = 150;
/** The dev database is asked for counts only once typing has paused this long (it takes a connection and a replay). */
const COUNTS_PAUSE_MS = 800;
const RULES_DOC = path.join(__dirname, '..', 'docs', 'rules.md');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = new SchemaAnalysisService((message) => connection.console.info(message));
const pending = new Map<string, NodeJS.Timeout>();
/** The last analysis of a project, and the versions of its open documents it was computed for. */
interface Published {
  stamp: string;
  result: SchemaResult;
  findings: SchemaFinding[];
  files: SchemaFile[];
  notes: Note[];
  /** Whether the diagnostics setting was on: off, the summary is still sent, the diagnostics are not. */
  diagnostics: boolean;
}
const published = new Map<string, Published>();
const counting = new Map<string, { timer: NodeJS.Timeout; cancel: CancellationTokenSource }>();
let pullsConfiguration = false;

connection.onInitialize((params) => {
  pullsConfiguration = Boolean(params.capabilities.workspace?.configuration);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
  };
});

async function settingsFor(uri: string): Promise<ServerSettings> {
  if (!pullsConfiguration) return DEFAULT_SERVER_SETTINGS;
  const value = (await connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })) as Partial<ServerSettings> | null;
  return { diagnostics: { enable: value?.diagnostics?.enable ?? DEFAULT_SERVER_SETTINGS.diagnostics.enable } };
}

/** The path of a document, or undefined for one no path can be made of: such a document is only never analysed. */
function fileOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
const isSchemaFile = (file: string) => file.endsWith('.prisma');

function schedule(document: TextDocument): void {
  const file = fileOf(document.uri);
  const project = file && isSchemaFile(file) ? service.projectOf(file) : undefined;
  if (project) {
    scheduleSchema(project);
    return;
  }
  debounce(document.uri, () => publishSql(document));
}

/** One analysis per project covers all its files, open or not: a burst across two files of a schema is one run. */
function scheduleSchema(project: ServerProject): void {
  cancelCounts(project.schemaPath);
  debounce(project.schemaPath, () => publishSchema(project));
}

function debounce(key: string, run: () => Promise<void>): void {
  clearTimeout(pending.get(key));
  pending.set(
    key,
    setTimeout(() => {
      pending.delete(key);
      void run();
    }, DEBOUNCE_MS),
  );
}

async function publishSql(document: TextDocument): Promise<void> {
  const file = fileOf(document.uri);
  if (!file || !isMigrationFile(file)) return;
  try {
    const settings = await settingsFor(document.uri);
    // The document may have changed or closed while the settings were fetched: only the latest counts.
    if (documents.get(document.uri)?.version !== document.version) return;
    const diagnostics = settings.diagnostics.enable ? sqlDiagnostics(document, file, RULES_DOC) : [];
    await connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  } catch (error) {
    connection.console.error(`Analysing ${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

/** The project's open documents by path, and a stamp of their versions to tell an outdated result. */
function openDocuments(project: ServerProject): { texts: Map<string, string>; stamp: string } {
  const open = documents.all().flatMap((d) => {
    const file = fileOf(d.uri);
    return file && isSchemaFile(file) && service.projectOf(file)?.schemaPath === project.schemaPath ? [{ file, d }] : [];
  });
  return { texts: new Map(open.map(({ file, d }) => [file, d.getText()])), stamp: open.map(({ d }) => `${d.uri}@${d.version}`).sort().join('|') };
}

/**
 * Analyses the project's schema as the editor has it (unsaved text of open files, the rest from disk) and
 * publishes the findings on every file of it, open or not, and the summary the view and status bar show.
 */
async function publishSchema(project: ServerProject): Promise<void> {
  try {
    const settings = await settingsFor(pathToFileURL(project.schemaFiles[0]?.path ?? project.schemaPath).toString());
    const { texts, stamp } = openDocuments(project);
    const result = await service.analyse(project, texts);
    // A schema nobody has open is analysed again only when its files change: its history need not stay in memory.
    if (texts.size === 0) void service.release(project);
    if (openDocuments(project).stamp !== stamp) return;
    const findings = result.kind === 'analysed' ? result.analysis.findings : [];
    // Said about the analysis, not the schema: only to someone editing it (the summary says it to the view).
    const notes =
      texts.size === 0
        ? []
        : [
            ...(result.kind === 'unavailable' && project.datasourcePosition ? [historyNote(result.message, project)] : []),
            ...(result.ignoredPreviewFeatures ?? []).map(ignoredPreviewFeatureNote),
          ];
    if (result.kind !== 'analysed') connection.console.info(`${project.schemaPath}: ${result.message}`);
    const previous = published.get(project.schemaPath)?.files ?? [];
    const files = [...result.files, ...previous.filter((f) => !result.files.some((g) => g.path === f.path))];
    const shown = settings.diagnostics.enable ? { findings, notes } : { findings: [], notes: [] };
    published.set(project.schemaPath, { stamp, result, findings, files: result.files, notes: shown.notes, diagnostics: settings.diagnostics.enable });
    sendFindings(project, files, shown.findings, shown.notes);
    sendSummary(project, result, findings);
    if (findings.some((f) => f.severity !== 'info')) scheduleCounts(project, stamp, result.files);
  } catch (error) {
    connection.console.error(`Analysing ${project.schemaPath} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

function sendSummary(project: ServerProject, result: SchemaResult, findings: readonly SchemaFinding[]): void {
  const params: SchemaChangesParams = {
    schemaPath: project.schemaPath,
    state: result.kind,
    unmigrated: result.kind === 'analysed' && result.analysis.script.trim() !== '',
    changes: findings.map(({ rule, severity, message, file, line, column }) => ({ rule, severity, message, file, line, column })),
    ...(result.kind !== 'analysed' && { reason: result.message }),
  };
  void connection.sendNotification(SCHEMA_CHANGES_NOTIFICATION, params);
}

/** A diagnostic that is no finding: something about the analysis itself, said where it applies. */
interface Note {
  file: string;
  diagnostic: Diagnostic;
}

/** Why there are no breaking-change diagnostics although there could be: said once, on the datasource. */
function historyNote(message: string, project: ServerProject): Note {
  const position = project.datasourcePosition!;
  return {
    file: position.file,
    diagnostic: {
      range: { start: { line: position.line - 1, character: position.column - 1 }, end: { line: position.line - 1, character: position.column + 9 } },
      severity: DiagnosticSeverity.Warning,
      source: DIAGNOSTIC_SOURCE,
      code: 'history-does-not-replay',
      message,
    },
  };
}

/** A preview feature the engine reads the schema without, said on the feature. */
function ignoredPreviewFeatureNote(ignored: IgnoredPreviewFeature): Note {
  return {
    file: ignored.file,
    diagnostic: {
      range: { start: { line: ignored.line - 1, character: ignored.column - 1 }, end: { line: ignored.end.line - 1, character: ignored.end.column - 1 } },
      severity: DiagnosticSeverity.Information,
      source: DIAGNOSTIC_SOURCE,
      code: 'preview-feature-ignored',
      message: `The preview feature "${ignored.feature}" is not known to Prisma 7's schema engine (removed since Prisma 6, or misspelled): migrations and checks read the schema without it.`,
    },
  };
}

function sendFindings(project: ServerProject, files: readonly SchemaFile[], findings: readonly SchemaFinding[], notes: readonly Note[]): void {
  for (const file of files) {
    const uri = pathToFileURL(file.path).toString();
    const diagnostics = schemaDiagnostics(findings, file.path, project.schemaPath, RULES_DOC);
    diagnostics.push(...notes.filter((note) => note.file === file.path).map((note) => note.diagnostic));
    void connection.sendDiagnostics({ uri, version: documents.get(uri)?.version, diagnostics });
  }
}

function cancelCounts(schemaPath: string): void {
  const running = counting.get(schemaPath);
  if (!running) return;
  clearTimeout(running.timer);
  running.cancel.cancel();
  counting.delete(schemaPath);
}

/**
 * After a pause, the dev database's counts (through the extension, which holds the URL and the locks),
 * merged into the findings of the same text. A keystroke in the meantime cancels them.
 */
function scheduleCounts(project: ServerProject, stamp: string, files: SchemaFile[]): void {
  cancelCounts(project.schemaPath);
  const cancel = new CancellationTokenSource();
  const timer = setTimeout(async () => {
    try {
      const params: DataLossParams = { schemaPath: project.schemaPath, files, uniqueChecks: uniqueChecks(published.get(project.schemaPath)?.findings ?? []) };
      const loss = (await connection.sendRequest(DATA_LOSS_REQUEST, params, cancel.token)) as DataLossResult;
      const current = published.get(project.schemaPath);
      if (!loss || cancel.token.isCancellationRequested || current?.stamp !== stamp || openDocuments(project).stamp !== stamp) return;
      const findings = withDataLoss(current.findings, loss, withSchemaFiles(project, files));
      published.set(project.schemaPath, { ...current, findings });
      sendFindings(project, current.files, current.diagnostics ? findings : [], current.notes);
      sendSummary(project, current.result, findings);
    } catch (error) {
      if (!cancel.token.isCancellationRequested) connection.console.info(`No counts from the dev database: ${errorMessage(error)}`);
    } finally {
      if (counting.get(project.schemaPath)?.cancel === cancel) counting.delete(project.schemaPath);
    }
  }, COUNTS_PAUSE_MS);
  counting.set(project.schemaPath, { timer, cancel });
}

function findingsAt(uri: string): { project: ServerProject; findings: SchemaFinding[]; file: string } | undefined {
  const file = fileOf(uri);
  const project = file ? service.projectOf(file) : undefined;
  const state = project && published.get(project.schemaPath);
  const document = documents.get(uri);
  // Positions are only meaningful for the text the findings were computed on.
  if (!file || !project || !state || !document || !state.stamp.includes(`${uri}@${document.version}`)) return undefined;
  return { project, findings: state.findings, file };
}

connection.onHover(({ textDocument, position }) => {
  const at = findingsAt(textDocument.uri);
  return at ? schemaHover(at.findings, at.file, position) : null;
});

connection.onCodeAction(({ textDocument, context }) => {
  const at = findingsAt(textDocument.uri);
  if (!at) return [];
  return context.diagnostics.flatMap((diagnostic) => {
    const finding = findingOf(diagnostic, at.project.schemaPath, at.findings);
    return finding ? schemaCodeActions(finding, diagnostic, at.project.schemaPath, { file: at.file, uri: textDocument.uri }) : [];
  });
});

connection.onNotification(PROJECTS_NOTIFICATION, ({ projects }: ProjectsParams) => {
  let changed: ServerProject[];
  try {
    changed = service.setProjects(projects);
  } catch (error) {
    connection.console.error(`Reading the projects failed: ${errorMessage(error)}`);
    return;
  }
  // A project gone (deleted, or the workspace back in Restricted Mode) leaves no diagnostics behind.
  for (const [schemaPath, state] of published) {
    if (projects.some((p) => p.schemaPath === schemaPath)) continue;
    cancelCounts(schemaPath);
    published.delete(schemaPath);
    for (const file of state.files) void connection.sendDiagnostics({ uri: pathToFileURL(file.path).toString(), diagnostics: [] });
  }
  // Refreshes come often (every command, the view's poll): only what changed is analysed again.
  for (const project of changed) scheduleSchema(project);
});

documents.onDidOpen(({ document }) => schedule(document));
documents.onDidChangeContent(({ document }) => schedule(document));
documents.onDidClose(({ document }) => {
  const file = fileOf(document.uri);
  const project = file && isSchemaFile(file) ? service.projectOf(file) : undefined;
  if (project) {
    schedule(document);
    return;
  }
  clearTimeout(pending.get(document.uri));
  pending.delete(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});
connection.onDidChangeConfiguration(() => {
  for (const project of service.projects) scheduleSchema(project);
  for (const document of documents.all()) if (!service.projectOf(fileOf(document.uri) ?? '')) schedule(document);
});
connection.onShutdown(() => service.dispose());

documents.listen(connection);
connection.listen();
