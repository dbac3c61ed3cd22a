import * as vscode from 'vscode';
import { branchesWithMigrations, type GitChange, type GitView, migrationGitView, migrationStates } from '../../core/git/migrationGit';

/** The part of the built-in Git extension's API (`vscode.git`, version 1) this feature reads. */
interface GitExtension {
  getAPI(version: 1): GitApi;
}
interface GitApi {
  getRepository(uri: vscode.Uri): GitRepository | null;
  onDidOpenRepository: vscode.Event<GitRepository>;
}
interface GitRepository {
  state: { workingTreeChanges: GitApiChange[]; indexChanges: GitApiChange[]; untrackedChanges: GitApiChange[]; onDidChange: vscode.Event<void> };
}
interface GitApiChange {
  uri: vscode.Uri;
  status: number;
}

/** The Git extension's `Status` values that matter here; every other change is a modification. */
const INDEX_ADDED = 1;
const INDEX_DELETED = 2;
const DELETED = 6;
const UNTRACKED = 7;
const INTENT_TO_ADD = 9;

function toChange(change: GitApiChange): GitChange {
  const kind = change.status === UNTRACKED ? 'untracked' : change.status === INDEX_ADDED || change.status === INTENT_TO_ADD ? 'added' : change.status === INDEX_DELETED || change.status === DELETED ? 'deleted' : 'modified';
  return { file: change.uri.fsPath, kind };
}

/**
 * What git says about each migration folder, from VS Code's built-in Git extension when it is enabled and
 * knows the repository (it follows the user's git settings and already watches the working tree), else
 * from the git command line as the CLI does. Fires when the Git extension sees the repository change.
 */
export class GitMigrations implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly watched = new WeakSet<GitRepository>();
  private api: GitApi | null | undefined;

  async view(migrationsDir: string, missingLocally: readonly string[]): Promise<GitView | null> {
    const repository = (await this.gitApi())?.getRepository(vscode.Uri.file(migrationsDir));
    if (!repository) return migrationGitView(migrationsDir, missingLocally);
    this.watch(repository);
    const { workingTreeChanges, indexChanges, untrackedChanges } = repository.state;
    const changes = [...indexChanges, ...workingTreeChanges, ...untrackedChanges].map(toChange);
    return { states: migrationStates(migrationsDir, changes), elsewhere: await branchesWithMigrations(migrationsDir, missingLocally) };
  }

  private watch(repository: GitRepository): void {
    if (this.watched.has(repository)) return;
    this.watched.add(repository);
    this.disposables.push(repository.state.onDidChange(() => this.changed.fire()));
  }

  private async gitApi(): Promise<GitApi | null> {
    if (this.api !== undefined) return this.api;
    const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
    if (!extension || !vscode.workspace.getConfiguration('git').get<boolean>('enabled', true)) return null;
    try {
      this.api = (extension.isActive ? extension.exports : await extension.activate()).getAPI(1);
      this.disposables.push(this.api.onDidOpenRepository(() => this.changed.fire()));
    } catch {
      this.api = null;
    }
    return this.api;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
