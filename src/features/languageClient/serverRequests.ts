import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { errorMessage } from '../../core/errors';
import {
  DATA_LOSS_REQUEST,
  type DataLossParams,
  type DataLossResult,
  PROJECTS_NOTIFICATION,
  type ProjectsParams,
  SCHEMA_CHANGES_NOTIFICATION,
  type SchemaChangesParams,
  toServerProject,
} from '../../shared/protocol';
import type { Logger } from '../logger';
import type { DatabaseAccess } from '../projects/databaseAccess';
import type { ProjectService } from '../projects/projectService';

/**
 * The extension's side of the server's own protocol: it tells the server which projects there are (never
 * their URLs), and answers its questions about the dev database itself, so that credentials, trust, the
 * dev-database choice and the database locks stay in one place.
 */
export function connectServer(client: LanguageClient, projects: ProjectService, access: DatabaseAccess, log: Logger): vscode.Disposable {
  const sendProjects = () => {
    const params: ProjectsParams = { projects: vscode.workspace.isTrusted ? projects.projects.map((s) => toServerProject(s.project)) : [] };
    void client.sendNotification(PROJECTS_NOTIFICATION, params).catch((error: unknown) => log.warn(`Telling the language server the projects failed: ${errorMessage(error)}`));
  };
  const requests = client.onRequest(DATA_LOSS_REQUEST, (params: DataLossParams, token) => dataLoss(params, token, projects, access, log));
  const changes = client.onNotification(SCHEMA_CHANGES_NOTIFICATION, (params: SchemaChangesParams) => projects.setSchemaChanges(params));
  sendProjects();
  return vscode.Disposable.from(requests, changes, projects.onDidChange(sendProjects));
}

async function dataLoss(params: DataLossParams, token: vscode.CancellationToken, projects: ProjectService, access: DatabaseAccess, log: Logger): Promise<DataLossResult> {
  const state = projects.projects.find((s) => s.project.schemaPath === params.schemaPath);
  // Asking must not create the embedded database, nor run anything in Restricted Mode.
  if (!state || state.untrusted || state.databaseMissing || !vscode.workspace.isTrusted) return null;
  try {
    return await access.read(state.project, async (db, core, project) => {
      if (!db.engine || token.isCancellationRequested) return null;
      await db.engine.updateSchema(core.withSchemaFiles(project, params.files).engineSchemaFiles);
      const loss = await core.evaluateOnDevDatabase(db.engine, core.readMigrationsFolder(project.migrationsDir), params.uniqueChecks, (message) => log.debug(message));
      return { ...loss, database: db.label };
    });
  } catch (error) {
    log.debug(`No data-loss counts for ${params.schemaPath}: ${errorMessage(error)}`);
    return null;
  }
}
