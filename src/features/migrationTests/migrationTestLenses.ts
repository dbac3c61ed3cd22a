import * as vscode from 'vscode';
import { TEST_FILE_SUFFIX } from '../../core/migrationTests/testFiles';
import type { MigrationTestController } from './migrationTestController';

export const RUN_TEST_COMMAND = 'prismaMigrations.runMigrationTest';

/**
 * "Run Test" above each test of a test file, beside the gutter's run buttons: the same run, for those
 * who read the file top to bottom. The lenses follow the Test Explorer's items, which follow the text.
 */
export class MigrationTestLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly tests: MigrationTestController) {
    this.disposables = [
      this.changed,
      vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: `**/*${TEST_FILE_SUFFIX}` }, this),
      vscode.commands.registerCommand(RUN_TEST_COMMAND, (uri: vscode.Uri, id: string) => {
        const item = tests.testsIn(uri).find((test) => test.id === id);
        return item ? tests.runTests([item]) : undefined;
      }),
      tests.onDidUpdate(() => this.changed.fire()),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return this.tests.testsIn(document.uri).flatMap((item) =>
      item.range ? [new vscode.CodeLens(item.range.with({ end: item.range.start }), { title: '$(play) Run Test', command: RUN_TEST_COMMAND, arguments: [document.uri, item.id] })] : [],
    );
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
