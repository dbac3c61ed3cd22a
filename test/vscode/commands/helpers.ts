// What the command tests share: the extension's API, scripted prompts, the tree's nodes, direct
// database access for arranging data (through the extension's own drivers).
import assert from 'node:assert/strict';
import path from 'node:path';
import pg from 'pg';
import * as vscode from 'vscode';
import type { Prompts } from '../../../src/features/commands/prompts';
import type { ExtensionApi } from '../../../src/extension';
import type { MigrationsNode } from '../../../src/features/migrationsView/migrationsTree';
import type { ProjectState } from '../../../src/features/projects/projectState';
import { after, before } from 'mocha';
import { extension, waitFor } from '../shared';

export async function extensionApi(): Promise<ExtensionApi> {
  return (await extension().activate()) as ExtensionApi;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return folder.uri.fsPath;
}

export interface PromptCall {
  kind: 'input' | 'pick' | 'confirm' | 'decide' | 'info' | 'error';
  message: string;
  detail?: string;
  /** Pick items' labels, or a message's action buttons. */
  choices: string[];
  validate?: vscode.InputBoxOptions['validateInput'];
}

type Answer = string | undefined | Promise<string | undefined>;

/**
 * Prompts that answer from a script, in order: input boxes, picks and modals take the next answer (a pick
 * by the start of its label); info and error notifications are recorded and dismissed. A prompt with no
 * answer left is cancelled and counted as unexpected.
 */
export class ScriptedPrompts implements Prompts {
  readonly calls: PromptCall[] = [];
  readonly unexpected: PromptCall[] = [];
  private readonly script: Answer[] = [];

  answer(...answers: Answer[]): this {
    this.script.push(...answers);
    return this;
  }

  /** Forgets the calls; the script must have been used up. */
  reset(): void {
    assert.deepEqual(this.script, [], 'unused scripted answers');
    assert.deepEqual(this.unexpected, [], 'prompts nobody answered');
    this.calls.length = 0;
  }

  async input(options: vscode.InputBoxOptions): Promise<string | undefined> {
    const call: PromptCall = { kind: 'input', message: `${options.title ?? ''} ${options.prompt ?? ''}`.trim(), choices: [], validate: options.validateInput };
    const answer = await this.next(call);
    if (answer !== undefined && options.validateInput) {
      const problem = await options.validateInput(answer);
      // As VS Code's input box: a string or an Error-severity message blocks Enter; Info and Warning do not.
      const blocks = typeof problem === 'string' ? problem !== '' : problem?.severity === vscode.InputBoxValidationSeverity.Error;
      assert.ok(!blocks, `the scripted input "${answer}" was rejected: ${JSON.stringify(problem)}`);
    }
    return answer;
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    const choices = items.map((item) => item.label.replace(/^\$\([^)]*\)\s*/, ''));
    const answer = await this.next({ kind: 'pick', message: options.placeHolder ?? '', choices });
    if (answer === undefined) return undefined;
    const index = choices.findIndex((label) => label.startsWith(answer));
    assert.ok(index >= 0, `no item starts with "${answer}" in ${JSON.stringify(choices)}`);
    return items[index];
  }

  confirm(message: string, detail: string, ...actions: string[]): Promise<string | undefined> {
    return this.next({ kind: 'confirm', message, detail, choices: actions });
  }

  decide(_about: vscode.Uri, message: string, ...actions: string[]): Promise<string | undefined> {
    return this.next({ kind: 'decide', message, choices: actions });
  }

  info(message: string, ...actions: string[]): Promise<string | undefined> {
    this.calls.push({ kind: 'info', message, choices: actions });
    return Promise.resolve(undefined);
  }

  error(message: string, ...actions: string[]): Promise<string | undefined> {
    this.calls.push({ kind: 'error', message, choices: actions });
    return Promise.resolve(undefined);
  }

  /** The first recorded call of `kind` whose message matches. */
  find(kind: PromptCall['kind'], pattern: RegExp): PromptCall | undefined {
    return this.calls.find((call) => call.kind === kind && pattern.test(call.message));
  }

  errors(): string[] {
    return this.calls.filter((call) => call.kind === 'error').map((call) => call.message);
  }

  private next(call: PromptCall): Promise<string | undefined> {
    this.calls.push(call);
    if (this.script.length === 0) {
      this.unexpected.push(call);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(this.script.shift());
  }
}

export interface CommandSession {
  readonly api: ExtensionApi;
  readonly prompts: ScriptedPrompts;
  /** Runs a command (on the project's node unless `arg` says otherwise), then waits for the view's refresh. */
  run(command: string, arg?: unknown): Promise<void>;
}

/**
 * For a describe() about the project in `folder`: scripted prompts in place of the user's for its tests
 * (the previous ones restored afterwards), a fresh view to start from, and a way to run commands.
 */
export function commandSession(folder: string): CommandSession {
  let api: ExtensionApi | undefined;
  let previous: Prompts | undefined;
  const prompts = new ScriptedPrompts();
  const session: CommandSession = {
    get api() {
      assert.ok(api, 'the session starts in before()');
      return api;
    },
    prompts,
    async run(command, arg) {
      await vscode.commands.executeCommand(command, arg ?? projectNode(session.api, folder));
      await session.api.projects.refresh();
    },
  };
  before(async () => {
    api = await extensionApi();
    previous = api.setPrompts(prompts);
    await api.projects.refresh();
  });
  after(() => {
    if (api && previous) api.setPrompts(previous);
  });
  return session;
}

/** The tree's root for the project in `folder` (its folder name). */
export function projectNode(api: ExtensionApi, folder: string): MigrationsNode & { kind: 'project' } {
  const node = api.tree.getChildren().find((n) => n.kind === 'project' && path.basename(n.state.project.root) === folder);
  assert.ok(node && node.kind === 'project', `no project ${folder} in the view: ${api.tree.getChildren().map((n) => (n.kind === 'project' ? n.state.project.root : n.kind)).join(', ')}`);
  return node;
}

export function stateOf(api: ExtensionApi, folder: string): ProjectState {
  return projectNode(api, folder).state;
}

/** The migration rows under a project, as "name: status". */
export function migrationRows(api: ExtensionApi, folder: string): string[] {
  return api.tree.getChildren(projectNode(api, folder)).flatMap((n) => (n.kind === 'migration' ? [`${n.migration.name}: ${n.migration.status}`] : []));
}

export function migrationNode(api: ExtensionApi, folder: string, name: RegExp): MigrationsNode & { kind: 'migration' } {
  const node = api.tree.getChildren(projectNode(api, folder)).find((n) => n.kind === 'migration' && name.test(n.migration.name));
  assert.ok(node && node.kind === 'migration', `no migration matching ${name} under ${folder}: ${migrationRows(api, folder).join(', ')}`);
  return node;
}

interface SqliteClient {
  execute(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  executeMultiple(sql: string): Promise<void>;
}

/**
 * Runs SQL on a SQLite file with the extension host's node:sqlite, as the extension reads it. The engine
 * holds the file exclusively while connected (a refresh may be reading): busy is retried until a deadline.
 */
export async function sqlite<T>(file: string, fn: (client: SqliteClient) => Promise<T>): Promise<T> {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
  let lastError: unknown;
  const result = await waitFor(
    () => `the SQLite file stayed locked (${String(lastError)})`,
    async () => {
      const db = new DatabaseSync(file);
      const client: SqliteClient = {
        execute: async (sql) => ({ rows: db.prepare(sql).all() as Array<Record<string, unknown>> }),
        executeMultiple: async (sql) => db.exec(sql),
      };
      try {
        return { value: await fn(client) };
      } catch (error) {
        if (!/SQLITE_BUSY|locked/i.test(String(error))) throw error;
        lastError = error;
        return undefined;
      } finally {
        db.close();
      }
    },
    120_000,
  );
  return result.value;
}

/** Runs SQL on a PostgreSQL database (pg is bundled into the suite; the extension bundles its own). */
export async function postgres<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
