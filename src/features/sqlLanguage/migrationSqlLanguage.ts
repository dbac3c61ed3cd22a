import path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectService } from '../projects/projectService';

/** The grammar of ours for each provider's SQL (package.json's languages). */
const LANGUAGE: Partial<Record<string, string>> = {
  postgresql: 'postgresql-migration',
  cockroachdb: 'postgresql-migration',
  sqlite: 'sqlite-migration',
  mysql: 'mysql-migration',
};

/** VS Code's own SQL mode ("MS SQL"): what a .sql file gets when no SQL extension claims it. */
const GENERIC_SQL = 'sql';

/**
 * A migration's SQL opened in VS Code's generic SQL mode gets the grammar of its project's database
 * (PostgreSQL's dollar-quoted DO blocks, MySQL's backticks). A file another extension claimed keeps
 * that extension's language.
 */
export class MigrationSqlLanguage implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly projects: ProjectService) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((document) => this.apply(document)),
      // Documents opened before the projects were known.
      projects.onDidChange(() => vscode.workspace.textDocuments.forEach((document) => this.apply(document))),
    ];
    vscode.workspace.textDocuments.forEach((document) => this.apply(document));
  }

  private apply(document: vscode.TextDocument): void {
    if (document.languageId !== GENERIC_SQL || document.uri.scheme !== 'file') return;
    const file = document.uri.fsPath;
    const state = this.projects.projects.find((s) => {
      const relative = path.relative(s.project.migrationsDir, file);
      return !relative.startsWith('..') && !path.isAbsolute(relative);
    });
    const language = state && LANGUAGE[state.project.provider];
    if (language) void vscode.languages.setTextDocumentLanguage(document, language);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
