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

export interface ServerProcess {
  connection: MessageConnection;
  published: PublishDiagnosticsParams[];
  settings: { diagnostics: { enable: boolean } };
  /** The next diagnostics published for `uri` after `since` publications (of `version`, if given), within a deadline. */
  diagnosticsFor(uri: string, since: number, version?: number, accept?: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]>;
  stop(): Promise<void>;
}

export async function startServer(root: string): Promise<ServerProcess> {
  assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
  const child: ChildProcess = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const server: ServerProcess = {
    connection,
    published,
    settings: { diagnostics: { enable: true } },
    async diagnosticsFor(uri, since, version, accept = () => true) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const found = published.slice(since).find((p) => p.uri === uri && (version === undefined || p.version === version) && accept(p.diagnostics));
        if (found) return found.diagnostics;
        if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} (published: ${JSON.stringify(published.slice(since))})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
      child.kill();
    },
  };
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => published.push(params));
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
