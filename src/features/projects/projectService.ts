import path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { describeSkew, versionSkew } from '../../core/project/versionSkew';
import type { PrismaProject } from '../../core/types';
import type { SchemaChangesParams } from '../../shared/protocol';
import { setContext } from '../contextKeys';
import type { DevDatabaseStore } from '../devDatabase/devDatabaseStore';
import type { GitMigrations } from '../git/gitMigrations';
import type { Logger } from '../logger';
import { affectsSetting, readSettings } from '../settings';
import type { DatabaseAccess } from './databaseAccess';
import { loadCore } from './loadCore';
import type { ProjectState } from './projectState';

/** While the view is visible, the database is read at most this often unless files or commands change it. */
const POLL_INTERVAL_MS = 30_000;
/** File events come in bursts (a git checkout, a save-all): one refresh for the burst. */
const FILE_EVENT_DEBOUNCE_MS = 300;
/** Coming back to the window re-reads status and drift (a psql session may have changed the database), unless it was just read. */
const FOCUS_REFRESH_AFTER_MS = 5_000;

/**
 * Owns the Prisma projects of the workspace and their migration status; the view and the status bar
 * only render it. Status comes first, drift (a shadow replay) follows and updates the view again.
 */
export class ProjectService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private states: ProjectState[] = [];
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private visible = false;
  /** Why the language server, which analyses the schemas, is not running; undefined while it is. */
  private schemaAnalysisDown: string | undefined;
  private poll: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private lastRefreshed = 0;
  private gitDebounce: NodeJS.Timeout | undefined;
  /** Version skew is said once per project in the log; the tooltip keeps saying it. */
  private readonly skewLogged = new Set<string>();
  /** So are the projects' warnings: a refresh runs on every command and poll. */
  private readonly warningsLogged = new Set<string>();

  constructor(
    private readonly log: Logger,
    private readonly access: DatabaseAccess,
    store: DevDatabaseStore,
    private readonly git: GitMigrations,
  ) {
    // Git changes (a commit, a stage) change the git marks only: no database is read for them.
    git.onDidChange(
      () => {
        clearTimeout(this.gitDebounce);
        this.gitDebounce = setTimeout(() => void this.readGitStates(), FILE_EVENT_DEBOUNCE_MS);
      },
      this,
      this.disposables,
    );
    const onFileChange = (uri: vscode.Uri) => {
      if (!uri.path.includes('/node_modules/') && readSettings(uri).autoRefresh) this.refreshSoon();
    };
    // Deleting a migration folder reports the folder only, not the migration.sql inside: hence the second glob.
    for (const glob of ['**/{*.prisma,migration.sql,migration_lock.toml,prisma.config.*,.env}', '**/migrations/*']) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      watcher.onDidChange(onFileChange, this, this.disposables);
      watcher.onDidCreate(onFileChange, this, this.disposables);
      watcher.onDidDelete(onFileChange, this, this.disposables);
      this.disposables.push(watcher);
    }
    vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh(), this, this.disposables);
    vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh(), this, this.disposables);
    vscode.workspace.onDidChangeConfiguration(
      (event) => {
        if (affectsSetting(event, 'schemaPath', 'migrationsPath')) void this.refresh();
        if (affectsSetting(event, 'autoRefresh')) this.updatePolling();
      },
      this,
      this.disposables,
    );
    store.onDidChange(() => this.refresh(), this, this.disposables);
    vscode.window.onDidChangeWindowState(
      (state) => {
        if (state.focused && readSettings().autoRefresh && Date.now() - this.lastRefreshed > FOCUS_REFRESH_AFTER_MS) {
          this.log.debug('The window has the focus again: re-reading the migration status and drift');
          this.refreshSoon();
        }
      },
      this,
      this.disposables,
    );
  }

  get projects(): readonly ProjectState[] {
    return this.states;
  }

  /** The language server's latest analysis of a project's schema (it analyses whether the schema is open or not). */
  setSchemaChanges(changes: SchemaChangesParams): void {
    const state = this.states.find((s) => s.project.schemaPath === changes.schemaPath);
    if (!state) return;
    state.schemaChanges = changes;
    this.changed.fire();
  }

  /** The language server did not start: no schema is analysed, and the view says so instead of waiting for it. */
  schemaAnalysisFailed(reason: string): void {
    this.schemaAnalysisDown = reason;
    for (const state of this.states) state.schemaChanges ??= this.noSchemaAnalysis(state.project);
    this.changed.fire();
  }

  private noSchemaAnalysis(project: PrismaProject): SchemaChangesParams | undefined {
    const reason = this.schemaAnalysisDown;
    return reason === undefined ? undefined : { schemaPath: project.schemaPath, state: 'unavailable', unmigrated: false, changes: [], reason };
  }

  /** The view reports its visibility: the database is polled only while someone can see the result. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.updatePolling();
  }

  /** Re-discovers projects and re-reads every status; concurrent calls coalesce into one more run. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing.then(() => this.refreshing);
    }
    this.refreshing = this.run()
      .catch((error: unknown) => this.log.error('Refreshing the migration status failed', error))
      .finally(() => {
        this.refreshing = undefined;
        this.lastRefreshed = Date.now();
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.refreshing = this.refresh();
        }
      });
    return this.refreshing;
  }

  private refreshSoon(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), FILE_EVENT_DEBOUNCE_MS);
  }

  private updatePolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    if (this.visible && readSettings().autoRefresh) this.poll = setInterval(() => void this.refresh(), POLL_INTERVAL_MS);
  }

  private async run(): Promise<void> {
    const started = performance.now();
    const projects = await this.discover();
    const trusted = vscode.workspace.isTrusted;
    this.states = projects.map((project) => {
      const previous = this.states.find((s) => s.project.schemaPath === project.schemaPath);
      return {
        project,
        databaseLabel: previous?.databaseLabel ?? '',
        databaseSource: previous?.databaseSource,
        databaseMissing: previous?.databaseMissing ?? false,
        report: previous?.report,
        git: previous?.git,
        objects: previous?.objects,
        schemaChanges: previous?.schemaChanges ?? this.noSchemaAnalysis(project),
        versionSkew: this.versionSkewOf(project),
        untrusted: !trusted,
        loading: trusted,
        checkingDrift: false,
      };
    });
    setContext('prismaMigrations.hasProjects', this.states.length > 0);
    this.changed.fire();
    await Promise.all(this.states.map((state) => this.readState(state)));
    // The drift commands are offered only where there is drift to act on.
    setContext('prismaMigrations.hasDrift', this.states.some((s) => s.report?.drift));
    this.changed.fire();
    this.log.debug(`Refreshed ${this.states.length} project(s) in ${Math.round(performance.now() - started)} ms`);
  }

  private async discover(): Promise<PrismaProject[]> {
    const trusted = vscode.workspace.isTrusted;
    const core = await loadCore();
    const configOutput = (text: string) => this.log.info(`prisma.config: ${text}`);
    const found = await Promise.all(
      (vscode.workspace.workspaceFolders ?? []).map(async (folder) => {
        const root = folder.uri.fsPath;
        const settings = readSettings(folder.uri);
        let projects: PrismaProject[];
        if (settings.schemaPath) {
          const schema = path.resolve(root, settings.schemaPath);
          projects = await core.discoverProject({ cwd: root, schema, trusted, configOutput }).then(
            (project) => [project],
            (error: unknown) => {
              this.log.warn(`The schema set in prismaMigrations.schemaPath (${schema}) could not be used: ${errorMessage(error)}`);
              return [];
            },
          );
        } else {
          projects = await core.findProjects(root, { trusted, configOutput, onError: (where, error) => this.log.warn(`${where}: ${error.message}`) });
        }
        if (settings.migrationsPath) for (const project of projects) project.migrationsDir = path.resolve(root, settings.migrationsPath);
        return projects;
      }),
    );
    const projects = found.flat();
    for (const project of projects) {
      for (const warning of await this.access.warningsOf(project)) {
        const line = `${project.schemaPath}: ${warning}`;
        if (this.warningsLogged.has(line)) continue;
        this.warningsLogged.add(line);
        this.log.warn(line);
      }
    }
    return projects;
  }

  private async readState(state: ProjectState): Promise<void> {
    if (state.untrusted) return;
    const { project } = state;
    try {
      const core = await loadCore();
      const url = await this.access.urlOf(project);
      state.databaseLabel = shortLabel(core.databaseLabel(url), project.root);
      state.databaseSource = core.describeUrlSource(url, project);
      const folder = core.readMigrationsFolder(project.migrationsDir);
      state.databaseMissing = url.source === 'embedded' && !core.embeddedDatabaseExists(project);
      if (state.databaseMissing) {
        state.report = core.statusWithoutDatabase(folder);
        state.error = undefined;
        await this.readGitState(state);
        return;
      }
      await this.access.read(project, async (db) => {
        const report = await core.readStatus(db.backend, folder, { drift: false });
        state.report = report;
        state.error = undefined;
        state.loading = false;
        // Not waited for: git needs no database, and the statuses should show without it.
        void this.readGitState(state).then(() => this.changed.fire());
        state.checkingDrift = true;
        this.changed.fire();
        try {
          Object.assign(report, await core.checkDrift(db.backend, folder, report.migrations));
        } catch (error) {
          report.driftUnavailable = `Drift could not be checked: ${errorMessage(error)}`;
          this.log.warn(`Drift check of ${project.schemaPath} failed: ${errorMessage(error)}`);
        }
        if (db.engine) {
          state.objects = await core.compareDatabaseObjects(project, folder, db.engine).catch((error: unknown) => {
            this.log.warn(`Comparing the database objects of ${project.schemaPath} failed: ${errorMessage(error)}`);
            return undefined;
          });
        }
      }, url);
    } catch (error) {
      state.error = errorMessage(error);
      this.log.error(`Could not read the migration status of ${project.schemaPath}`, error);
    } finally {
      state.loading = false;
      state.checkingDrift = false;
    }
  }

  private versionSkewOf(project: PrismaProject): string | undefined {
    const skew = versionSkew(project.root);
    if (!skew) return undefined;
    const text = describeSkew(skew);
    if (!this.skewLogged.has(project.root)) {
      this.skewLogged.add(project.root);
      this.log.warn(`${project.root}: ${text}`);
    }
    return text;
  }

  private async readGitStates(): Promise<void> {
    await Promise.all(this.states.map((state) => this.readGitState(state)));
    this.changed.fire();
  }

  private async readGitState(state: ProjectState): Promise<void> {
    if (!state.report) return;
    const missing = state.report.migrations.filter((m) => m.status === 'missingLocally').map((m) => m.name);
    try {
      state.git = (await this.git.view(state.project.migrationsDir, missing)) ?? undefined;
    } catch (error) {
      this.log.warn(`Reading git's view of ${state.project.migrationsDir} failed: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    clearInterval(this.poll);
    clearTimeout(this.debounce);
    clearTimeout(this.gitDebounce);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** Files inside the project are shown relative to it: the view is narrow. */
function shortLabel(label: string, root: string): string {
  const embedded = /^embedded PGlite \((.*)\)$/.exec(label);
  const file = embedded ? embedded[1] : label;
  if (!path.isAbsolute(file)) return label;
  const relative = path.relative(root, file);
  if (relative.startsWith('..')) return label;
  return embedded ? `embedded PGlite (${relative})` : relative;
}
