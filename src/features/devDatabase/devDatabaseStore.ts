import * as vscode from 'vscode';
import type { PrismaProject } from '../../core/types';

/** The dev database the user picked for a project in the editor; absent means "as configured". */
export type DevDatabaseChoice = { kind: 'embedded' } | { kind: 'url'; url: string };

/**
 * The user's choice of dev database per project, in VS Code's SecretStorage (the OS keychain where there
 * is one): a URL typed into the editor carries a password and must never land in settings.json.
 */
export class DevDatabaseStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key.startsWith(KEY_PREFIX)) this.changed.fire();
    });
  }

  async get(project: PrismaProject): Promise<DevDatabaseChoice | undefined> {
    const stored = await this.secrets.get(keyOf(project));
    if (!stored) return undefined;
    try {
      const parsed = JSON.parse(stored) as DevDatabaseChoice;
      if (parsed.kind === 'embedded' || (parsed.kind === 'url' && typeof parsed.url === 'string')) return parsed;
    } catch {
      // An unreadable entry is treated as no choice; the next choice overwrites it.
    }
    return undefined;
  }

  set(project: PrismaProject, choice: DevDatabaseChoice): Thenable<void> {
    return this.secrets.store(keyOf(project), JSON.stringify(choice));
  }

  clear(project: PrismaProject): Thenable<void> {
    return this.secrets.delete(keyOf(project));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

const KEY_PREFIX = 'prismaMigrations.devDatabase:';

function keyOf(project: PrismaProject): string {
  return `${KEY_PREFIX}${project.schemaPath}`;
}
