import * as vscode from 'vscode';
import type { ProjectDatabase } from '../../core/connect';
import { isMigrateError } from '../../core/errors';
import { DatabaseLocks } from '../../core/operations/databaseLocks';
import { describeUrl } from '../../core/redact';
import { checkDevHost } from '../../core/safety/devHosts';
import type { PrismaProject, ResolvedUrl } from '../../core/types';
import { UserFacingError } from '../commands/userError';
import type { DevDatabaseStore } from '../devDatabase/devDatabaseStore';
import type { Logger } from '../logger';
import { readSettings, settingId } from '../settings';
import { type Core, loadCore } from './loadCore';

/**
 * The one way the extension reaches a dev database: it resolves which database (the user's choice in
 * secret storage, else prisma.config.ts / .env, else the embedded default) and reads the schema as saved
 * now; it refuses in Restricted Mode, guards commands that rewrite the database (allowed dev hosts, one
 * command at a time), and closes the connection after each use so the user's own app is never locked
 * out of a SQLite file.
 */
export class DatabaseAccess {
  private readonly locks = new DatabaseLocks();

  constructor(
    private readonly store: DevDatabaseStore,
    private readonly log: Logger,
  ) {}

  /** The database the project's commands use, and where that choice came from. */
  async urlOf(project: PrismaProject): Promise<ResolvedUrl> {
    const core = await loadCore();
    return core.effectiveUrl(project, await this.chosenUrl(project));
  }

  /** The project's warnings, without those about its own URL when the user chose another database. */
  async warningsOf(project: PrismaProject): Promise<string[]> {
    const core = await loadCore();
    return core.warningsFor(project, await this.chosenUrl(project));
  }

  /** The database the user chose in the editor in place of the project's own URL, if any. */
  private async chosenUrl(project: PrismaProject): Promise<ResolvedUrl | undefined> {
    const choice = await this.store.get(project);
    if (choice?.kind === 'url') return { url: choice.url, source: 'secret' };
    if (choice?.kind === 'embedded') return (await loadCore()).embeddedUrl(project);
    return undefined;
  }

  /**
   * Reads (status, drift, diff, the editor's data-loss counts), on a database opened read-only: waits for
   * a running command on the same database instead of failing.
   * `resolved` is the project's `urlOf`, when the caller needed it already.
   */
  async read<T>(project: PrismaProject, fn: (db: ProjectDatabase, core: Core, project: PrismaProject) => Promise<T>, resolved?: ResolvedUrl): Promise<T> {
    assertTrusted();
    const url = resolved ?? (await this.urlOf(project));
    return this.locks.read(url.url, () => this.withDatabase(project, url, 'read', fn));
  }

  /**
   * Work on scratch databases only (down scripts): no dev database is opened, but the history's SQL runs,
   * so not in Restricted Mode. The schema is read as saved now.
   */
  async scratch<T>(project: PrismaProject, fn: (core: Core, project: PrismaProject) => Promise<T>): Promise<T> {
    assertTrusted();
    const core = await loadCore();
    return fn(core, await core.reloadSchema(project));
  }

  /**
   * Work on a copy of the dev database (rehearsal): the original is only read, in its turn like a read, so
   * no command of ours changes it while it is copied. Its SQL runs on the copy, so not in Restricted Mode.
   */
  async copy<T>(project: PrismaProject, fn: (core: Core, project: PrismaProject, url: ResolvedUrl) => Promise<T>): Promise<T> {
    assertTrusted();
    const url = await this.urlOf(project);
    return this.locks.read(url.url, async () => {
      const core = await loadCore();
      return fn(core, await core.reloadSchema(project), url);
    });
  }

  /** Commands that change the database: only on an allowed dev host, never two at once on one database. */
  async write<T>(project: PrismaProject, title: string, fn: (db: ProjectDatabase, core: Core, project: PrismaProject) => Promise<T>): Promise<T> {
    assertTrusted();
    const url = await this.urlOf(project);
    const verdict = checkDevHost(url.url, readSettings(vscode.Uri.file(project.root)).allowedDevHosts);
    if (!verdict.allowed) {
      throw new UserFacingError(
        `${title} refused: ${verdict.host} is not a development database host. If it is one, add it to the "${settingId('allowedDevHosts')}" setting.`,
        [{ title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', settingId('allowedDevHosts')) }],
      );
    }
    return this.locks.command(url.url, title, describeUrl(url.url), () => this.withDatabase(project, url, 'write', fn));
  }

  /** Reads open the database so that it refuses writes, and never create it; commands that build it create it first. */
  private async withDatabase<T>(project: PrismaProject, url: ResolvedUrl, access: 'read' | 'write', fn: (db: ProjectDatabase, core: Core, project: PrismaProject) => Promise<T>): Promise<T> {
    const core = await loadCore();
    project = await core.reloadSchema(project);
    const options = { url, log: (line: string) => this.log.debug(line), readOnly: access === 'read' };
    const db = await core.openProjectDatabase(project, options).catch(async (error: unknown) => {
      // As `prisma migrate dev` does: a command that builds the database creates it first.
      if (access === 'read' || !isMigrateError(error) || error.kind !== 'missingDatabase') throw error;
      await core.createMissingDatabase(project, url);
      this.log.info(`Created database ${error.details?.databaseName ?? describeUrl(url.url)}`);
      return core.openProjectDatabase(project, options);
    });
    try {
      return await fn(db, core, project);
    } finally {
      await db.backend.dispose().catch((error: unknown) => this.log.warn(`Closing ${db.label} failed: ${String(error)}`));
    }
  }
}

function assertTrusted(): void {
  if (vscode.workspace.isTrusted) return;
  throw new UserFacingError('This workspace is in Restricted Mode: Prisma Migrate runs no prisma.config.ts and touches no database until you trust it.', [
    { title: 'Manage Workspace Trust', run: () => vscode.commands.executeCommand('workbench.trust.manage') },
  ]);
}
