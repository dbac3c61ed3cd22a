import * as vscode from 'vscode';

export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

/** A progress notification around `task`, as a real Promise (VS Code hands back a Thenable). */
export function withProgress<T>(title: string, task: (progress: ProgressReporter, token: vscode.CancellationToken) => Promise<T>, options: { cancellable?: boolean } = {}): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: options.cancellable ?? false }, task));
}
