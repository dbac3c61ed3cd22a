// The language server: owns the analysis of Prisma migration files for the editor. Started by the
// extension (src/features/languageClient) over IPC; the CLI's `check` runs the same core rules.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings, SETTINGS_SECTION } from '../shared/settings';
import { isMigrationFile, sqlDiagnostics } from './sqlDiagnostics';

/** Keystrokes come in bursts: analyse once the burst pauses. */
const DEBOUNCE_MS = 150;
const RULES_DOC = path.join(__dirname, '..', 'docs', 'rules.md');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const pending = new Map<string, NodeJS.Timeout>();
let pullsConfiguration = false;

connection.onInitialize((params) => {
  pullsConfiguration = Boolean(params.capabilities.workspace?.configuration);
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } };
});

async function settingsFor(uri: string): Promise<ServerSettings> {
  if (!pullsConfiguration) return DEFAULT_SERVER_SETTINGS;
  const value = (await connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })) as Partial<ServerSettings> | null;
  return { diagnostics: { enable: value?.diagnostics?.enable ?? DEFAULT_SERVER_SETTINGS.diagnostics.enable } };
}

function schedule(document: TextDocument): void {
  clearTimeout(pending.get(document.uri));
  pending.set(
    document.uri,
    setTimeout(() => {
      pending.delete(document.uri);
      void publish(document);
    }, DEBOUNCE_MS),
  );
}

async function publish(document: TextDocument): Promise<void> {
  const file = document.uri.startsWith('file:') ? fileURLToPath(document.uri) : undefined;
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

documents.onDidOpen(({ document }) => schedule(document));
documents.onDidChangeContent(({ document }) => schedule(document));
documents.onDidClose(({ document }) => {
  clearTimeout(pending.get(document.uri));
  pending.delete(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});
connection.onDidChangeConfiguration(() => {
  for (const document of documents.all()) schedule(document);
});

documents.listen(connection);
connection.listen();
