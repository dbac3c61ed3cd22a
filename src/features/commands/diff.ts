import * as vscode from 'vscode';
import type { DiffSource } from '../../core/engine/migrationEngine';
import type { MigrationsFolder } from '../../core/migrations/folder';
import type { MigrationStatus, PrismaProject } from '../../core/types';
import { withProgress } from '../progress';
import type { ProjectState } from '../projects/projectState';
import { isLocal, migrationArgument, projectArgument } from './arguments';
import type { CommandContext } from './commandContext';
import { requireEngine } from './requireEngine';
import { Cancelled, UserFacingError } from './userError';

/** A diff side as the user picks it; resolved to the engine's `DiffSource` once the database is open. */
type Side = { kind: 'schema' | 'migrations' | 'database' | 'empty'; label: string } | { kind: 'migration'; label: string; name: string };

/** `migrate diff` with pickers: the SQL that takes *from* to *to*, in a read-only document. */
export async function diffCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const from = await pickSide(ctx, state, 'Diff from…');
  const to = await pickSide(ctx, state, `Diff from ${from.label} to…`);
  const result = await withProgress(`Diffing ${from.label} → ${to.label}…`, () =>
    ctx.access.read(state.project, (db, core, project) => {
      const folder = core.readMigrationsFolder(project.migrationsDir);
      return requireEngine(db, 'Diff').diff(toSource(project, folder, from), toSource(project, folder, to), { script: true });
    }),
  );
  const header = `-- From: ${from.label}\n-- To:   ${to.label}\n`;
  await ctx.documents.show(`${from.label} → ${to.label}.sql`, `${header}\n${result.hasChanges ? result.output : '-- No difference.'}\n`);
}

/** The schema a migration leaves behind next to the one before it, in VS Code's diff editor. */
export async function diffMigrationCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const { state, migration } = await migrationArgument(ctx, arg, isLocal, 'Compare which migration with the one before it?');
  const local = state.report?.migrations.filter(isLocal) ?? [];
  const index = local.findIndex((m) => m.name === migration.name);
  const previous = index > 0 ? local[index - 1] : undefined;
  const [before, after] = await withProgress(`Replaying the history up to ${migration.name}…`, () =>
    ctx.access.read(state.project, async (db, core) => {
      const folder = core.readMigrationsFolder(state.project.migrationsDir);
      const engine = requireEngine(db, 'Diff');
      const schemaAfter = (m: MigrationStatus | undefined) =>
        m ? engine.diff({ kind: 'empty' }, historyUpTo(folder, m.name), { script: true }) : Promise.resolve({ hasChanges: false, output: '' });
      return [await schemaAfter(previous), await schemaAfter(migration)];
    }),
  );
  const left = ctx.documents.create(`${previous?.name ?? 'empty'}.sql`, `-- The schema after ${previous?.name ?? 'no migration (empty database)'}\n\n${before.output}\n`);
  const right = ctx.documents.create(`${migration.name}.sql`, `-- The schema after ${migration.name}\n\n${after.output}\n`);
  await vscode.commands.executeCommand('vscode.diff', left, right, `${migration.name}: schema before ↔ after`);
}

async function pickSide(ctx: CommandContext, state: ProjectState, placeHolder: string): Promise<Side> {
  const migrations = state.report?.migrations.filter(isLocal) ?? [];
  const sides: Array<vscode.QuickPickItem & { side?: Side }> = [
    { label: 'Schema', description: 'schema.prisma as saved', side: { kind: 'schema', label: 'schema' } },
    { label: 'Migrations', description: `all ${migrations.length} in the migrations folder`, side: { kind: 'migrations', label: 'migrations' } },
    { label: 'Dev database', description: state.databaseLabel, side: { kind: 'database', label: 'dev database' } },
    { label: 'Empty database', side: { kind: 'empty', label: 'empty' } },
    { label: 'Up to a migration', kind: vscode.QuickPickItemKind.Separator },
    ...migrations.map((m) => ({ label: m.name, description: `history up to and including it (${m.status})`, side: { kind: 'migration' as const, label: m.name, name: m.name } })),
  ];
  const picked = await ctx.prompts.pick(sides, { placeHolder, matchOnDescription: true });
  if (!picked?.side) throw new Cancelled();
  return picked.side;
}

function toSource(project: PrismaProject, folder: MigrationsFolder, side: Side): DiffSource {
  switch (side.kind) {
    case 'schema':
      return { kind: 'schema', files: project.engineSchemaFiles };
    case 'migrations':
      return { kind: 'migrations', folder };
    case 'database':
      return { kind: 'database' };
    case 'empty':
      return { kind: 'empty' };
    case 'migration':
      return historyUpTo(folder, side.name);
  }
}

function historyUpTo(folder: MigrationsFolder, name: string): DiffSource {
  const index = folder.migrations.findIndex((m) => m.name === name);
  if (index < 0) throw new UserFacingError(`Migration ${name} is not in the migrations folder any more.`);
  return { kind: 'migrations', folder, only: new Set(folder.migrations.slice(0, index + 1).map((m) => m.name)) };
}
