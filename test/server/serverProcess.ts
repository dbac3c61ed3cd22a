// The shipped language server (dist/server.js, built by `npm test`) in a child process, spoken to over the
// LSP on stdio, with what it publishes recorded.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  type Diagnostic,
  type MessageConnection,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';

const SERVER = path.resolve(__dirname, '../../dist/server.js');
const WAIT_CAP_MS = 300_000;

export interface ServerProcess {
  connection: MessageConnection;
  published: PublishDiagnosticsParams[];
  settings: { diagnostics: { enable: boolean } };
  /** The next diagnostics published for `uri` after `since` publications (of `version`, if given). */
  diagnosticsFor(uri: string, since: number, version?: number, accept?: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]>;
  stop(): Promise<void>;
}

export async function startServer(root: string): Promise<ServerProcess> {
  assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  const child: ChildProcess = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const waiting = new Set<(p: PublishDiagnosticsParams) => void>();
  const server: ServerProcess = {
    connection,
    published,
    settings: { diagnostics: { enable: true } },
    diagnosticsFor(uri, since, version, accept = () => true) {
      const matches = (p: PublishDiagnosticsParams) => p.uri === uri && (version === undefined || p.version === version) && accept(p.diagnostics);
      const found = published.slice(since).find(matches);
      if (found) return Promise.resolve(found.diagnostics);
      // Waits for the publication itself: a first analysis replays the whole history, which on a busy machine
      // takes as long as it takes. The cap only turns a server that never publishes into a readable failure.
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no diagnostics for ${uri} within ${WAIT_CAP_MS / 1000} s (published: ${JSON.stringify(published.slice(since))})`));
        }, WAIT_CAP_MS);
        const check = (p: PublishDiagnosticsParams) => {
          if (!matches(p)) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(p.diagnostics);
        };
        waiting.add(check);
      });
    },
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
      child.kill();
    },
  };
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.push(params);
    for (const check of [...waiting]) check(params);
  });
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => server.settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const result = (await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).toString(),
    capabilities: { workspace: { configuration: true } },
  })) as { capabilities: { textDocumentSync: number } };
  assert.equal(result.capabilities.textDocumentSync, 2, 'incremental sync');
  await connection.sendNotification('initialized', {});
  return server;
}
