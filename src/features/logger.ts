import * as vscode from 'vscode';
import { errorDetail } from '../core/errors';
import { redactSecrets } from '../core/redact';

/** The extension's one log, a LogOutputChannel; every line passes the one secret filter on its way in. */
export class Logger implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Prisma Migrate', { log: true });

  info(message: string): void {
    this.channel.info(redactSecrets(message));
  }

  warn(message: string): void {
    this.channel.warn(redactSecrets(message));
  }

  error(message: string, error?: unknown): void {
    this.channel.error(redactSecrets(error === undefined ? message : `${message}\n${errorDetail(error)}`));
  }

  debug(message: string): void {
    this.channel.debug(redactSecrets(message));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
