import * as vscode from 'vscode';
import { errorMessage, isMigrateError } from '../../core/errors';
import { configureDevDatabaseCommand, createEmbeddedDatabaseCommand } from '../devDatabase/configureDevDatabase';
import { addMigrationTestCommand } from './addMigrationTest';
import { initializeMigrationsCommand, pullSchemaCommand } from './adopt';
import { applyPendingCommand } from './apply';
import { runCiCheckCommand } from './ciCheck';
import type { CommandContext } from './commandContext';
import { createMigrationCommand } from './createMigration';
import { createSchemaCommand } from './createSchema';
import { diffCommand, diffMigrationCommand } from './diff';
import { createMigrationFromDriftCommand } from './driftMigration';
import { copyMigrationNameCommand, openMigrationCommand, revealMigrationCommand } from './migrationItemCommands';
import { resetDatabaseCommand } from './reset';
import { regenerateMigrationCommand, retimestampMigrationCommand } from './retimestamp';
import { markAppliedCommand, markRolledBackCommand, resolveFailedCommand } from './resolve';
import { generateDownMigrationCommand, rollBackLastCommand } from './rollback';
import { rehearseCommand } from './rehearse';
import { showSqlCommand } from './showSql';
import { squashMigrationsCommand } from './squash';
import { showStatusCommand } from './showStatus';
import { Cancelled, UserFacingError } from './userError';

type Handler = (ctx: CommandContext, arg: unknown) => Promise<unknown>;

/** Every command, by id; the titles are the manifest's and name the command in error messages. */
const COMMANDS = {
  'prismaMigrations.refresh': { title: 'Refresh', run: (ctx) => ctx.projects.refresh() },
  'prismaMigrations.showLog': { title: 'Show Log', run: async (ctx) => ctx.log.show() },
  'prismaMigrations.createMigration': { title: 'Create Migration', run: createMigrationCommand },
  'prismaMigrations.applyPending': { title: 'Apply Pending Migrations', run: applyPendingCommand },
  'prismaMigrations.rehearse': { title: 'Rehearse Pending Migrations', run: rehearseCommand },
  'prismaMigrations.diff': { title: 'Diff', run: diffCommand },
  'prismaMigrations.showStatus': { title: 'Show Status', run: showStatusCommand },
  'prismaMigrations.resolveFailed': { title: 'Resolve Failed Migration', run: resolveFailedCommand },
  'prismaMigrations.markApplied': { title: 'Mark Applied', run: markAppliedCommand },
  'prismaMigrations.markRolledBack': { title: 'Mark Rolled Back', run: markRolledBackCommand },
  'prismaMigrations.resetDatabase': { title: 'Reset Dev Database', run: resetDatabaseCommand },
  'prismaMigrations.configureDevDatabase': { title: 'Configure Dev Database', run: configureDevDatabaseCommand },
  'prismaMigrations.createEmbeddedDatabase': { title: 'Create Embedded Dev Database', run: createEmbeddedDatabaseCommand },
  'prismaMigrations.openMigration': { title: 'Open Migration', run: openMigrationCommand },
  'prismaMigrations.revealMigration': { title: 'Reveal in Explorer', run: revealMigrationCommand },
  'prismaMigrations.copyMigrationName': { title: 'Copy Name', run: copyMigrationNameCommand },
  'prismaMigrations.diffMigration': { title: 'Compare with Previous Migration', run: diffMigrationCommand },
  'prismaMigrations.createSchema': { title: 'Create Prisma Schema', run: createSchemaCommand },
  'prismaMigrations.showSql': { title: 'Show SQL for This Change', run: showSqlCommand },
  'prismaMigrations.addMigrationTest': { title: 'Add a Migration Test', run: addMigrationTestCommand },
  'prismaMigrations.generateDownMigration': { title: 'Generate Down Migration', run: generateDownMigrationCommand },
  'prismaMigrations.rollBackLast': { title: 'Roll Back Last Migration', run: rollBackLastCommand },
  'prismaMigrations.squashMigrations': { title: 'Squash Migrations', run: squashMigrationsCommand },
  'prismaMigrations.createMigrationFromDrift': { title: 'Capture Drift as a Migration', run: createMigrationFromDriftCommand },
  'prismaMigrations.retimestampMigration': { title: 'Re-timestamp After Last Migration', run: retimestampMigrationCommand },
  'prismaMigrations.regenerateMigration': { title: 'Regenerate from Schema', run: regenerateMigrationCommand },
  'prismaMigrations.initializeMigrations': { title: 'Initialize Migrations', run: initializeMigrationsCommand },
  'prismaMigrations.pullSchema': { title: 'Pull Schema from Database', run: pullSchemaCommand },
  'prismaMigrations.runCiCheck': { title: 'Run CI Check', run: runCiCheckCommand },
  'prismaMigrations.openWalkthrough': { title: 'Get Started', run: (ctx) => ctx.walkthrough.open() },
} satisfies Record<string, { title: string; run: Handler }>;

export type CommandId = keyof typeof COMMANDS;

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, { title, run }]) =>
    vscode.commands.registerCommand(id, (arg: unknown) => guarded(ctx, title, () => (run as Handler)(ctx, arg))),
  );
}

/** The one error wrapper: a cancelled prompt says nothing, anything else is one sentence plus "Show Log". */
async function guarded(ctx: CommandContext, title: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Cancelled) return;
    if (isMigrateError(error) && error.kind === 'cancelled') {
      void ctx.prompts.info(error.message);
      return;
    }
    ctx.log.error(`${title} failed`, error);
    const actions = error instanceof UserFacingError ? error.actions : [];
    const message = error instanceof UserFacingError ? error.message : `${title} failed: ${errorMessage(error)}`;
    // Not awaited: the command is over; the message stays until the user answers it.
    void ctx.prompts.error(message, ...actions.map((a) => a.title), 'Show Log').then((chosen) => {
      if (chosen === 'Show Log') ctx.log.show();
      const action = actions.find((a) => a.title === chosen);
      return action ? guarded(ctx, action.title, async () => action.run()) : undefined;
    });
  }
}
