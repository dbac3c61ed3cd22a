import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../../shared/settings';

/**
 * The language client library (a third of the extension's code) is needed once the server starts, after
 * activation: this module is the only one that loads it, and a bundle of its own (dist/language-client.js).
 */
export function createLanguageClient(serverModule: string): LanguageClient {
  const server = { module: serverModule, transport: TransportKind.ipc };
  const serverOptions: ServerOptions = { run: server, debug: server };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'prisma' },
      { scheme: 'file', pattern: '**/migration.sql' },
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel: vscode.window.createOutputChannel('Prisma Migrate Language Server', { log: true }),
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  return new LanguageClient('prismaMigrations', 'Prisma Migrate Language Server', serverOptions, clientOptions);
}
