import * as vscode from 'vscode';
import { driftSections } from '../../core/operations/driftSummary';
import { DIAGNOSTIC_SOURCE } from '../../shared/settings';
import type { ProjectService } from '../projects/projectService';

const DRIFT = 'drift';

/**
 * Drift as a warning on the schema's datasource line, from the status the view already computed: what
 * differs, in the engine's words, with quick fixes to capture it in a migration or reset to the history.
 */
export class DriftDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('prisma-migrations-drift');
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly projects: ProjectService) {
    this.disposables = [
      projects.onDidChange(() => this.update()),
      vscode.languages.registerCodeActionsProvider({ language: 'prisma' }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    ];
  }

  private update(): void {
    this.collection.clear();
    for (const state of this.projects.projects) {
      const drift = state.report?.drift;
      const position = state.project.datasourcePosition;
      if (!drift || !position) continue;
      const what = driftSections(drift.summary)
        .map((s) => (s.items.length > 0 ? `${s.title}: ${s.items.join(', ')}` : s.title))
        .join('; ');
      const line = position.line - 1;
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(line, position.column - 1, line, position.column - 1 + 'datasource'.length),
        `The dev database (${state.databaseLabel}) differs from its migration history: ${what}.`,
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = DRIFT;
      const uri = vscode.Uri.file(position.file);
      this.collection.set(uri, [...(this.collection.get(uri) ?? []), diagnostic]);
    }
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const state = this.projects.projects.find((s) => s.project.datasourcePosition?.file === document.uri.fsPath);
    if (!state) return [];
    return context.diagnostics
      .filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code === DRIFT)
      .flatMap((diagnostic) =>
        [
          ['Capture Drift as a Migration…', 'prismaMigrations.createMigrationFromDrift'],
          ['Reset Dev Database to the History…', 'prismaMigrations.resetDatabase'],
        ].map(([title, command]) => {
          const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diagnostic];
          action.command = { title, command, arguments: [state.project.schemaPath] };
          return action;
        }),
      );
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.collection.dispose();
  }
}
