import * as vscode from 'vscode';
import { SQL_SCHEME } from './sqlDocuments';

const ANSWER_COMMAND = 'prismaMigrations.answerPreview';
const CANCEL = 'Cancel';

interface Pending {
  actions: readonly string[];
  resolve(answer: string | undefined): void;
}

/**
 * A question about a preview document (the planned migration), asked on the document itself, as lenses
 * above its first line, and in a notification. VS Code hides a notification with buttons after a while;
 * the lenses stay beside the SQL until the user answers, or closes the preview (which cancels).
 */
export class PreviewDecisions implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly pending = new Map<string, Pending>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly registrations = [
    vscode.languages.registerCodeLensProvider({ scheme: SQL_SCHEME }, this),
    vscode.commands.registerCommand(ANSWER_COMMAND, (key: string, answer: string | undefined) => this.answer(key, answer)),
    vscode.window.tabGroups.onDidChangeTabs((event) => {
      // A preview closed unanswered cancels its question (a language change reopens the document, not its tab).
      for (const tab of event.closed) {
        const key = tab.input instanceof vscode.TabInputText ? tab.input.uri.toString() : undefined;
        if (key && this.pending.has(key) && !isShown(key)) this.answer(key, undefined);
      }
    }),
  ];

  /** Asks `message` about the document at `uri`; resolves with the chosen action, or undefined when cancelled. */
  ask(uri: vscode.Uri, message: string, actions: readonly string[]): Promise<string | undefined> {
    const key = uri.toString();
    this.answer(key, undefined);
    return new Promise((resolve) => {
      this.pending.set(key, { actions, resolve });
      this.changed.fire();
      void vscode.window.showInformationMessage(message, ...actions).then((answer) => answer !== undefined && this.answer(key, answer));
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const key = document.uri.toString();
    const pending = this.pending.get(key);
    if (!pending) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [...pending.actions, CANCEL].map(
      (action) => new vscode.CodeLens(top, { title: action, command: ANSWER_COMMAND, arguments: [key, action === CANCEL ? undefined : action] }),
    );
  }

  private answer(key: string, answer: string | undefined): void {
    const pending = this.pending.get(key);
    if (!pending) return;
    this.pending.delete(key);
    this.changed.fire();
    pending.resolve(answer);
  }

  dispose(): void {
    for (const key of [...this.pending.keys()]) this.answer(key, undefined);
    for (const registration of this.registrations) registration.dispose();
    this.changed.dispose();
  }
}

function isShown(key: string): boolean {
  return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === key));
}
