// Keystroke → breaking-change diagnostics on the generated 100-model, 200-migration project: the server's
// analysis in process and the bare engine diff of the same texts (their ratio is the analysis' overhead),
// and the shipped server over the LSP (keystroke sent → diagnostics published, less the debounce).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, type PublishDiagnosticsParams, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { discoverProject, withSchemaFiles } from '../../src/core/project/discover';
import { scratchEngine } from '../../src/core/operations/historyStates';
import { PROJECTS_NOTIFICATION, toServerProject } from '../../src/shared/protocol';
import { SchemaAnalysisService } from '../../src/server/schemaAnalysis';
import { schemaDiagnostics } from '../../src/server/schemaDiagnostics';
import type { LargeProject } from '../helpers/largeHistory';

/** The server waits this long after the last keystroke on purpose (src/server/server.ts). */
export const DEBOUNCE_MS = 150;
const WARM_UP = 5;

export interface KeystrokeSamples {
  /** SchemaAnalysisService.analyse + conversion to diagnostics, in process. */
  analysis: number[];
  /** engine.diff(migrated datamodel → typed text) alone, the same texts. */
  engineDiff: number[];
  /** didChange sent → publishDiagnostics received from dist/server.js, less the debounce. */
  lsp: number[];
}

/** The texts of typing a new optional field into a model in the middle, one character at a time. */
function keystrokes(schema: string, count: number): string[] {
  const anchor = 'model Model050 {\n';
  if (!schema.includes(anchor)) throw new Error('Model050 is missing from the generated schema');
  return Array.from({ length: count }, (_, i) => schema.replace(anchor, `${anchor}  note${'x'.repeat(i + 1)} String?\n`));
}

export async function keystrokeSamples(project: LargeProject, runs: number): Promise<KeystrokeSamples> {
  const discovered = await discoverProject({ cwd: project.root, trusted: true });
  const texts = keystrokes(project.schemaText, WARM_UP + runs);
  const samples: KeystrokeSamples = { analysis: [], engineDiff: [], lsp: [] };

  const service = new SchemaAnalysisService(() => undefined);
  service.setProjects([toServerProject(discovered)]);
  // The floor: the engine's own diff from the replayed history's database, which the analysis starts with.
  const folder = readMigrationsFolder(discovered.migrationsDir);
  const engine = scratchEngine(discovered, folder, 'The keystroke benchmark');
  try {
    await engine.applyPending(folder);
    for (const [i, text] of texts.entries()) {
      const open = new Map([[discovered.schemaPath, text]]);
      let started = performance.now();
      const result = await service.analyse(toServerProject(discovered), open);
      if (result.kind !== 'analysed' || result.analysis.findings.length === 0) throw new Error(`keystroke ${i}: no analysis (${result.kind})`);
      schemaDiagnostics(result.analysis.findings, discovered.schemaPath, discovered.schemaPath, 'rules.md');
      const analysis = performance.now() - started;
      const files = withSchemaFiles(discovered, [{ path: discovered.schemaPath, content: text }]).engineSchemaFiles;
      started = performance.now();
      await engine.diff({ kind: 'database', files }, { kind: 'schema', files }, { script: true });
      const engineDiff = performance.now() - started;
      if (i >= WARM_UP) {
        samples.analysis.push(analysis);
        samples.engineDiff.push(engineDiff);
      }
    }
  } finally {
    await Promise.all([service.dispose(), engine.dispose()]);
  }
  samples.lsp = await lspSamples(discovered, texts);
  return samples;
}

async function lspSamples(discovered: Awaited<ReturnType<typeof discoverProject>>, texts: string[]): Promise<number[]> {
  const child = spawn(process.execPath, [path.resolve(__dirname, '../../dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const uri = pathToFileURL(discovered.schemaPath).toString();
  const waiting = new Map<number, (at: number) => void>();
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    if (params.uri === uri && params.version !== undefined) waiting.get(params.version)?.(performance.now());
  });
  connection.listen();
  try {
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(discovered.root).toString(), capabilities: {} });
    await connection.sendNotification('initialized', {});
    await connection.sendNotification(PROJECTS_NOTIFICATION, { projects: [toServerProject(discovered)] });
    const published = (version: number) => new Promise<number>((resolve) => waiting.set(version, resolve));
    const opened = published(1);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version: 1, text: discovered.schemaFiles[0].content } });
    await opened; // includes the replay of the history
    const samples: number[] = [];
    for (const [i, text] of texts.entries()) {
      const version = i + 2;
      const done = published(version);
      const sent = performance.now();
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      const at = await done;
      if (i >= WARM_UP) samples.push(at - sent - DEBOUNCE_MS);
    }
    return samples;
  } finally {
    await connection.sendRequest('shutdown').catch(() => undefined);
    connection.dispose();
    child.kill();
  }
}
