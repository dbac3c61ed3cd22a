import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../../shared/settings';
import type { Logger } from '../logger';
import type { DatabaseAccess } from '../projects/databaseAccess';
import type { ProjectService } from '../projects/projectService';
import { connectServer } from './serverRequests';

/**
 * Starts the language server (dist/server.js, over IPC) for Prisma schemas and migration.sql files. Its
 * failures go to its own log channel, never to pop-ups; stopping it is part of the extension's disposal.
 */
export class MigrationsLanguageClient implements vscode.Disposable {
  private readonly client: LanguageClient;
  private connection: vscode.Disposable | undefined;

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: Logger,
    private readonly projects: ProjectService,
    private readonly access: DatabaseAccess,
  ) {
    const module = context.asAbsolutePath('dist/server.js');
    const server = { module, transport: TransportKind.ipc };
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
    this.client = new LanguageClient('prismaMigrations', 'Prisma Migrate Language Server', serverOptions, clientOptions);
  }

  async start(): Promise<void> {
    const started = performance.now();
    try {
      await this.client.start();
      this.connection = connectServer(this.client, this.projects, this.access, this.log);
      this.log.info(`Language server started in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      this.log.error('The language server did not start; diagnostics are off until the window reloads', error);
    }
  }

  dispose(): void {
    this.connection?.dispose();
    void this.client.dispose();
  }
}
