import path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { parseMigrationTests } from '../../core/migrationTests/migrationTestFile';
import type { MigrationTestResult } from '../../core/migrationTests/runMigrationTests';
import { TEST_FILE_SUFFIX } from '../../core/migrationTests/testFiles';
import { formatTestResult } from '../../core/migrationTests/testResultFormats';
import { escapeRegExp } from '../../core/text/regexp';
import type { Logger } from '../logger';
import type { DatabaseAccess } from '../projects/databaseAccess';
import type { ProjectService } from '../projects/projectService';
import type { ProjectState } from '../projects/projectState';

/** A run that has ended: what each test came to, and the text of its output. */
export interface FinishedRun {
  results: MigrationTestResult[];
  output: string;
}

type Append = (text: string, location?: vscode.Location, test?: vscode.TestItem) => void;

/** What a test item stands for: a project, a test file (its migration's), or one test in it. */
type ItemData = { kind: 'project'; state: ProjectState } | { kind: 'file'; state: ProjectState; migration: string } | { kind: 'test'; state: ProjectState; migration: string; name: string };

const testId = (file: string, name: string) => `${file}#${name}`;

/**
 * The migration tests (`*.test.sql` beside a migration) in VS Code's Test Explorer: a project, its test
 * files, their tests at their lines, kept in step with the files and the open editors. A run goes to the
 * core's runner on scratch databases (never the dev database); failures point at the failing line, with
 * expected and actual side by side where the test compared output.
 */
export class MigrationTestController implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('prismaMigrations.migrationTests', 'Prisma Migration Tests');
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  private readonly finished = new vscode.EventEmitter<FinishedRun>();
  /** Fires with a run's results and output once it ends (the tests wait for it). */
  readonly onDidFinishRun = this.finished.event;
  private readonly updated = new vscode.EventEmitter<void>();
  /** Fires when a test file's tests were read again. */
  readonly onDidUpdate = this.updated.event;
  private readonly disposables: vscode.Disposable[] = [this.controller, this.finished, this.updated];
  private projectsKey = '';

  constructor(
    private readonly projects: ProjectService,
    private readonly access: DatabaseAccess,
    private readonly log: Logger,
  ) {
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token, false), true);
    // SQL has no debugger: debugging a test is reading each of its steps as it ran, in the run's output.
    this.controller.createRunProfile('Run with Each Step in the Output', vscode.TestRunProfileKind.Debug, (request, token) => this.run(request, token, true), true);
    this.controller.refreshHandler = () => this.discover();
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    const watcher = vscode.workspace.createFileSystemWatcher(`**/*${TEST_FILE_SUFFIX}`);
    watcher.onDidCreate((uri) => this.readFile(uri), this, this.disposables);
    watcher.onDidChange((uri) => this.readFile(uri), this, this.disposables);
    watcher.onDidDelete((uri) => this.remove(uri), this, this.disposables);
    vscode.workspace.onDidChangeTextDocument((event) => this.readDocument(event.document), this, this.disposables);
    vscode.workspace.onDidOpenTextDocument((document) => this.readDocument(document), this, this.disposables);
    // A refresh fires on every poll: the tests are looked for again only when the projects change.
    projects.onDidChange(
      () => {
        const key = projects.projects.map((s) => `${s.project.schemaPath}\0${s.project.migrationsDir}`).join('\n');
        if (key === this.projectsKey) return;
        this.projectsKey = key;
        void this.discover();
      },
      this,
      this.disposables,
    );
    this.disposables.push(watcher);
  }

  /** The test items of a file, at their lines; for CodeLens. */
  testsIn(uri: vscode.Uri): vscode.TestItem[] {
    const file = this.fileItem(uri.fsPath);
    return file ? [...iterate(file.children)] : [];
  }

  /** Runs these tests as the Test Explorer would, and resolves once the run has ended. */
  runTests(items: readonly vscode.TestItem[]): Promise<void> {
    const source = new vscode.CancellationTokenSource();
    return this.run(new vscode.TestRunRequest(items), source.token, false).finally(() => source.dispose());
  }

  private async discover(): Promise<void> {
    const files = await vscode.workspace.findFiles(`**/*${TEST_FILE_SUFFIX}`, '**/node_modules/**');
    const owned = new Set<string>();
    for (const uri of files) if (this.readFile(uri)) owned.add(uri.fsPath);
    for (const projectItem of iterate(this.controller.items)) {
      for (const fileItem of iterate(projectItem.children)) if (!owned.has(fileItem.id)) projectItem.children.delete(fileItem.id);
      if (projectItem.children.size === 0) this.controller.items.delete(projectItem.id);
    }
  }

  /** The project whose migrations folder holds this file directly (`<migrations>/<migration>/x.test.sql`). */
  private ownerOf(file: string): { state: ProjectState; migration: string } | undefined {
    const migrationDir = path.dirname(file);
    const state = this.projects.projects.find((s) => path.relative(s.project.migrationsDir, path.dirname(migrationDir)) === '');
    return state && { state, migration: path.basename(migrationDir) };
  }

  private readDocument(document: vscode.TextDocument): void {
    if (document.uri.scheme === 'file' && document.uri.fsPath.endsWith(TEST_FILE_SUFFIX)) this.update(document.uri, document.getText());
  }

  /** Reads a test file from disk, unless an editor holds a newer text; whether it belongs to a project. */
  private readFile(uri: vscode.Uri): boolean {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
    if (open) return this.update(uri, open.getText());
    void vscode.workspace.fs.readFile(uri).then(
      (bytes) => this.update(uri, Buffer.from(bytes).toString('utf8')),
      (error: unknown) => this.log.warn(`Could not read ${uri.fsPath}: ${errorMessage(error)}`),
    );
    return this.ownerOf(uri.fsPath) !== undefined;
  }

  private update(uri: vscode.Uri, text: string): boolean {
    const owner = this.ownerOf(uri.fsPath);
    if (!owner) return false;
    const { state, migration } = owner;
    let projectItem = this.controller.items.get(state.project.schemaPath);
    if (!projectItem) {
      projectItem = this.controller.createTestItem(state.project.schemaPath, path.basename(state.project.root), vscode.Uri.file(state.project.root));
      this.data.set(projectItem, { kind: 'project', state });
      this.controller.items.add(projectItem);
    }
    const name = path.basename(uri.fsPath);
    const fileItem = projectItem.children.get(uri.fsPath) ?? this.controller.createTestItem(uri.fsPath, migration, uri);
    fileItem.description = name === 'migration.test.sql' ? undefined : name;
    fileItem.sortText = `${migration}/${name}`;
    this.data.set(fileItem, { kind: 'file', state, migration });
    const parsed = parseMigrationTests(text, uri.fsPath);
    fileItem.error = parsed.problems.length === 0 ? undefined : new vscode.MarkdownString(parsed.problems.map((p) => `Line ${p.line}: ${p.message}`).join('\n\n'));
    fileItem.children.replace(
      parsed.tests.map((test) => {
        const item = this.controller.createTestItem(testId(uri.fsPath, test.name), test.name, uri);
        item.range = new vscode.Range(test.line - 1, 0, test.endLine - 1, 0);
        this.data.set(item, { kind: 'test', state, migration, name: test.name });
        return item;
      }),
    );
    projectItem.children.add(fileItem);
    this.updated.fire();
    return true;
  }

  private remove(uri: vscode.Uri): void {
    for (const projectItem of iterate(this.controller.items)) {
      projectItem.children.delete(uri.fsPath);
      if (projectItem.children.size === 0) this.controller.items.delete(projectItem.id);
    }
  }

  private fileItem(file: string): vscode.TestItem | undefined {
    for (const projectItem of iterate(this.controller.items)) {
      const item = projectItem.children.get(file);
      if (item) return item;
    }
    return undefined;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, traced: boolean): Promise<void> {
    const run = this.controller.createTestRun(request);
    let output = '';
    // The output is also kept as written, for whoever waits for the run (onDidFinishRun).
    const append: Append = (text, location, test) => {
      output += text;
      run.appendOutput(text, location, test);
    };
    const all: MigrationTestResult[] = [];
    try {
      const excluded = new Set(request.exclude ?? []);
      const tests = (request.include ?? [...iterate(this.controller.items)]).flatMap((item) => leaves(item, excluded));
      const byProject = new Map<ProjectState, vscode.TestItem[]>();
      for (const test of tests) {
        const data = this.data.get(test);
        if (data?.kind !== 'test') continue;
        byProject.set(data.state, [...(byProject.get(data.state) ?? []), test]);
        run.enqueued(test);
      }
      for (const [state, items] of byProject) {
        if (token.isCancellationRequested) break;
        all.push(...(await this.runProject(run, append, state, items, token, traced)));
      }
    } finally {
      run.end();
      this.finished.fire({ results: all, output });
    }
  }

  private async runProject(
    run: vscode.TestRun,
    append: Append,
    state: ProjectState,
    items: readonly vscode.TestItem[],
    token: vscode.CancellationToken,
    traced: boolean,
  ): Promise<MigrationTestResult[]> {
    const byId = new Map(items.map((item) => [item.id, item]));
    const names = items.map((item) => {
      const data = this.data.get(item) as Extract<ItemData, { kind: 'test' }>;
      return `${escapeRegExp(data.migration)} › ${escapeRegExp(data.name)}`;
    });
    const controller = new AbortController();
    const cancelled = token.onCancellationRequested(() => controller.abort());
    try {
      const results = await this.access.scratch(state.project, (core, project) =>
        core.runMigrationTests(project, core.readMigrationsFolder(project.migrationsDir), {
          files: [...new Set(items.map((item) => item.uri!.fsPath))],
          filter: new RegExp(`^(?:${names.join('|')})$`),
          signal: controller.signal,
          onStart: (test) => {
            const item = byId.get(testId(test.file, test.name));
            if (item) run.started(item);
          },
          onResult: (result) => this.report(run, append, state, result, byId.get(testId(result.file, result.name))),
          trace: traced ? (test, line) => append(`  ${line}\r\n`, undefined, byId.get(testId(test.file, test.name))) : undefined,
        }),
      );
      for (const item of items) if (!results.some((r) => testId(r.file, r.name) === item.id)) run.skipped(item);
      return results;
    } catch (error) {
      const message = new vscode.TestMessage(errorMessage(error));
      for (const item of items) run.errored(item, message);
      this.log.error(`Migration tests of ${state.project.schemaPath} could not run`, error);
      return [];
    } finally {
      cancelled.dispose();
    }
  }

  private report(run: vscode.TestRun, append: Append, state: ProjectState, result: MigrationTestResult, item: vscode.TestItem | undefined): void {
    const location = result.failure ? new vscode.Location(vscode.Uri.file(result.file), new vscode.Position(result.failure.line - 1, 0)) : undefined;
    append(`${formatTestResult(result, state.project.root).replace(/\r?\n/g, '\r\n')}\r\n`, location, item);
    if (!item) return;
    if (result.status === 'passed') {
      run.passed(item, result.durationMs);
      return;
    }
    const failure = result.failure!;
    const message =
      failure.expected !== undefined ? vscode.TestMessage.diff(failure.message, failure.expected, failure.actual ?? '') : new vscode.TestMessage(failure.message);
    message.location = location;
    run.failed(item, message, result.durationMs);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of collection) yield item;
}

/** The tests under an item (itself, for a test), without the excluded ones. */
function leaves(item: vscode.TestItem, excluded: ReadonlySet<vscode.TestItem>): vscode.TestItem[] {
  if (excluded.has(item)) return [];
  if (item.children.size === 0) return [item];
  return [...iterate(item.children)].flatMap((child) => leaves(child, excluded));
}
