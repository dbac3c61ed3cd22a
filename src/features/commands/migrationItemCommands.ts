import path from 'node:path';
import * as vscode from 'vscode';
import { isLocal, migrationArgument } from './arguments';
import type { CommandContext } from './commandContext';

export async function openMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { migration } = await migrationArgument(ctx, arg, isLocal, 'Open which migration?');
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(migration.dir!, 'migration.sql')));
}

export async function revealMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { migration } = await migrationArgument(ctx, arg, isLocal, 'Reveal which migration?');
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(migration.dir!));
}

export async function copyMigrationNameCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { migration } = await migrationArgument(ctx, arg, () => true, 'Copy which migration name?');
  await vscode.env.clipboard.writeText(migration.name);
}
