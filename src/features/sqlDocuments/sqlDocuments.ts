import * as vscode from 'vscode';

export const SQL_SCHEME = 'prisma-migrations';
const REPORT_LANGUAGE = 'prisma-migrations-report';

/**
 * Read-only SQL documents (planned migrations, diffs, status reports) that exist only in the editor:
 * nothing is written to the workspace until the user decides to.
 */
export class SqlDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Documents whose language is being set: VS Code closes and reopens them, and their content must survive. */
  private readonly relabelling = new Set<string>();
  private readonly registrations = [
    vscode.workspace.registerTextDocumentContentProvider(SQL_SCHEME, this),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (!this.relabelling.has(document.uri.toString())) this.contents.delete(document.uri.toString());
    }),
  ];
  private next = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** A new document named `title` (the tab's label) holding `content`. */
  create(title: string, content: string): vscode.Uri {
    this.next += 1;
    const uri = vscode.Uri.from({ scheme: SQL_SCHEME, path: `/${this.next}/${title.replace(/[\\/]/g, '∕')}` });
    this.contents.set(uri.toString(), content);
    this.changed.fire(uri);
    return uri;
  }

  /** Replaces the content of a document `create` made, which the editor then shows; false once it was closed. */
  update(uri: vscode.Uri, content: string): boolean {
    if (!this.contents.has(uri.toString())) return false;
    this.contents.set(uri.toString(), content);
    this.changed.fire(uri);
    return true;
  }

  async show(title: string, content: string): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(this.create(title, content));
    // A report (status, CI check) wraps its long lines: the manifest's defaults for its language say so.
    const language = title.endsWith('.sql') ? 'sql' : REPORT_LANGUAGE;
    const key = document.uri.toString();
    this.relabelling.add(key);
    const typed = await (document.languageId === 'plaintext' ? vscode.languages.setTextDocumentLanguage(document, language) : document);
    this.relabelling.delete(key);
    return vscode.window.showTextDocument(typed, { preview: true });
  }

  /** Closes the tabs showing `uri` (a preview whose decision is made). */
  async close(uri: vscode.Uri): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString());
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
  }

  dispose(): void {
    for (const registration of this.registrations) registration.dispose();
    this.changed.dispose();
    this.contents.clear();
  }
}
