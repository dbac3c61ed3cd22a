import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { UserFacingError } from './userError';

const STARTER_SCHEMA = `// Your Prisma schema: https://pris.ly/d/prisma-schema
// The dev database is an embedded SQLite file (prisma/dev.db) until you configure another.

datasource db {
  provider = "sqlite"
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  name  String?
}
`;

/** The welcome view's "create one" link: a starter prisma/schema.prisma in the first workspace folder. */
export async function createSchemaCommand(ctx: CommandContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new UserFacingError('Open a folder first: the schema is created inside it.');
  const file = path.join(folder.uri.fsPath, 'prisma', 'schema.prisma');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, STARTER_SCHEMA, { flag: 'wx' });
    ctx.log.info(`Created ${file}`);
  }
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  await ctx.projects.refresh();
}
