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
  /**
   * What the secret storage said, per key: every refresh asks for each project's choice, and each answer
   * is a round trip to the window (slow while it is busy). Forgotten whenever a choice changes, here or in
   * another window.
   */
  private readonly read = new Map<string, Thenable<string | undefined>>();

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (!event.key.startsWith(KEY_PREFIX)) return;
      this.read.delete(event.key);
      this.changed.fire();
    });
  }

  async get(project: PrismaProject): Promise<DevDatabaseChoice | undefined> {
    const key = keyOf(project);
    let reading = this.read.get(key);
    if (!reading) {
      reading = this.secrets.get(key);
      this.read.set(key, reading);
      // A failed read is asked again next time.
      reading.then(undefined, () => this.read.delete(key));
    }
    const stored = await reading;
    if (!stored) return undefined;
    try {
      const parsed = JSON.parse(stored) as DevDatabaseChoice;
      if (parsed.kind === 'embedded' || (parsed.kind === 'url' && typeof parsed.url === 'string')) return parsed;
    } catch {
      // An unreadable entry is treated as no choice; the next choice overwrites it.
    }
    return undefined;
  }

  async set(project: PrismaProject, choice: DevDatabaseChoice): Promise<void> {
    this.read.delete(keyOf(project));
    await this.secrets.store(keyOf(project), JSON.stringify(choice));
    this.read.delete(keyOf(project));
  }

  async clear(project: PrismaProject): Promise<void> {
    this.read.delete(keyOf(project));
    await this.secrets.delete(keyOf(project));
    this.read.delete(keyOf(project));
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
