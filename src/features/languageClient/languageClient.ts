import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Logger } from '../logger';
import type { DatabaseAccess } from '../projects/databaseAccess';
import type { ProjectService } from '../projects/projectService';
import { connectServer } from './serverRequests';

type ClientModule = typeof import('./clientModule');

/**
 * Starts the language server (dist/server.js, over IPC) for Prisma schemas and migration.sql files. Its
 * failures go to its own log channel, never to pop-ups; stopping it is part of the extension's disposal.
 */
export class MigrationsLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private connection: vscode.Disposable | undefined;
  private readonly serverModule: string;

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: Logger,
    private readonly projects: ProjectService,
    private readonly access: DatabaseAccess,
  ) {
    this.serverModule = context.asAbsolutePath('dist/server.js');
  }

  async start(): Promise<void> {
    const started = performance.now();
    try {
      const { createLanguageClient } = require('./clientModule') as ClientModule;
      this.client = createLanguageClient(this.serverModule);
      await this.client.start();
      this.connection = connectServer(this.client, this.projects, this.access, this.log);
      this.log.info(`Language server started in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      this.log.error('The language server did not start; diagnostics are off until the window reloads', error);
      this.projects.schemaAnalysisFailed('the language server did not start: see the log');
    }
  }

  dispose(): void {
    this.connection?.dispose();
    void this.client?.dispose();
  }
}
