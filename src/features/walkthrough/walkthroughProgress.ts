import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../../shared/settings';
import { setContext } from '../contextKeys';

/** `<publisher>.<name>#<walkthrough id>`, as package.json declares them. */
const WALKTHROUGH = 'prisma-migrations.prisma-migrations#gettingStarted';

export async function openWalkthrough(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
}
import type { ProjectService } from '../projects/projectService';

/**
 * Completes the Get Started walkthrough's steps when the user has really done them (the manifest's
 * `onContext` completion events): a dev database that answered, a first migration, a breaking change
 * underlined in a schema. VS Code remembers a completed step; the keys only ever turn true.
 */
export class WalkthroughProgress implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];
  private sawBreakingChange = false;

  constructor(projects: ProjectService) {
    this.disposables = [
      projects.onDidChange(() => {
        const states = projects.projects.filter((s) => s.report && !s.error);
        if (states.some((s) => !s.databaseMissing)) setContext('prismaMigrations.devDatabaseReady', true);
        if (states.some((s) => (s.report?.migrations.length ?? 0) > 0)) setContext('prismaMigrations.hasMigrations', true);
      }),
      vscode.languages.onDidChangeDiagnostics((event) => {
        if (this.sawBreakingChange) return;
        const breaking = event.uris.some((uri) => uri.path.endsWith('.prisma') && vscode.languages.getDiagnostics(uri).some(isBreakingChange));
        if (!breaking) return;
        this.sawBreakingChange = true;
        setContext('prismaMigrations.sawBreakingChange', true);
      }),
    ];
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The language server's schema findings at warning or error; drift (also on the schema) is not one. */
function isBreakingChange(diagnostic: vscode.Diagnostic): boolean {
  return diagnostic.source === DIAGNOSTIC_SOURCE && diagnostic.severity <= vscode.DiagnosticSeverity.Warning && diagnostic.code !== 'drift';
}
