import * as vscode from 'vscode';

export const SQL_SCHEME = 'prisma-migrations';

/**
 * Read-only SQL documents (planned migrations, diffs, status reports) that exist only in the editor:
 * nothing is written to the workspace until the user decides to.
 */
export class SqlDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registrations = [
    vscode.workspace.registerTextDocumentContentProvider(SQL_SCHEME, this),
    vscode.workspace.onDidCloseTextDocument((document) => this.contents.delete(document.uri.toString())),
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

  async show(title: string, content: string): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(this.create(title, content));
    const typed = document.languageId === 'plaintext' && title.endsWith('.sql') ? await vscode.languages.setTextDocumentLanguage(document, 'sql') : document;
    return vscode.window.showTextDocument(typed, { preview: true });
  }

  dispose(): void {
    for (const registration of this.registrations) registration.dispose();
    this.changed.dispose();
    this.contents.clear();
  }
}
