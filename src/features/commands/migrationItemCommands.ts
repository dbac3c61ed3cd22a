import path from 'node:path';
import * as vscode from 'vscode';
import { migrationArgument } from './arguments';
import type { CommandContext } from './commandContext';

const LOCAL = (m: { dir?: string }) => m.dir !== undefined;

export async function openMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { migration } = await migrationArgument(ctx, arg, LOCAL, 'Open which migration?');
  await vscode.window.showTextDocument(vscode.Uri.file(path.join(migration.dir!, 'migration.sql')));
}

export async function revealMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { migration } = await migrationArgument(ctx, arg, LOCAL, 'Reveal which migration?');
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(migration.dir!));
}

export async function copyMigrationNameCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { migration } = await migrationArgument(ctx, arg, () => true, 'Copy which migration name?');
  await vscode.env.clipboard.writeText(migration.name);
}
