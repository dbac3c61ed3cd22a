import * as vscode from 'vscode';
import type { PreviewDecisions } from '../sqlDocuments/previewDecisions';

/**
 * Every question the commands ask the user. The extension-host tests answer them through the extension's
 * test API; everyone else gets VS Code's own input boxes, quick picks and (modal) messages.
 */
/** An input box's options; `whenEmpty` is said (and Enter refused) when Enter is pressed on nothing. */
export type InputOptions = vscode.InputBoxOptions & { whenEmpty?: string };

export interface Prompts {
  input(options: InputOptions): Promise<string | undefined>;
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined>;
  /** A modal warning; resolves with the chosen action's title, undefined when cancelled. */
  confirm(message: string, detail: string, ...actions: string[]): Promise<string | undefined>;
  /**
   * A question about a preview, asked beside it (lenses on the preview and a notification, never a modal
   * that covers it); undefined when dismissed.
   */
  decide(about: vscode.Uri, message: string, ...actions: string[]): Promise<string | undefined>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
}

/** VS Code's own input boxes, quick picks and messages; questions about a preview go to `decisions`. */
export const vscodePrompts = (decisions: PreviewDecisions): Prompts => ({
  input: (options) => (options.whenEmpty === undefined ? Promise.resolve(vscode.window.showInputBox({ ignoreFocusOut: true, ...options })) : inputRefusingEmpty(options, options.whenEmpty)),
  pick: (items, options) => Promise.resolve(vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options })),
  confirm: (message, detail, ...actions) => Promise.resolve(vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions)),
  decide: (about, message, ...actions) => decisions.ask(about, message, actions),
  info: (message, ...actions) => Promise.resolve(vscode.window.showInformationMessage(message, ...actions)),
  error: (message, ...actions) => Promise.resolve(vscode.window.showErrorMessage(message, ...actions)),
});

/**
 * An input box that answers Enter on nothing with `whenEmpty` instead of closing, without showing that
 * message before the user has done anything (a validator would, on the empty box it opens with).
 */
function inputRefusingEmpty(options: vscode.InputBoxOptions, whenEmpty: string): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  Object.assign(box, { title: options.title, prompt: options.prompt, placeholder: options.placeHolder, ignoreFocusOut: true, value: options.value ?? '' });
  return new Promise((resolve) => {
    let answer: string | undefined;
    const validate = async (value: string) => (value === '' ? undefined : ((await options.validateInput?.(value)) ?? undefined));
    const subscriptions = [
      box.onDidChangeValue(async (value) => {
        const problem = await validate(value);
        box.validationMessage = problem ?? undefined;
      }),
      box.onDidAccept(async () => {
        if (box.value === '') {
          box.validationMessage = { message: whenEmpty, severity: vscode.InputBoxValidationSeverity.Error };
          return;
        }
        const problem = await validate(box.value);
        if (typeof problem === 'string' ? problem !== '' : problem?.severity === vscode.InputBoxValidationSeverity.Error) return;
        answer = box.value;
        box.hide();
      }),
      box.onDidHide(() => {
        for (const subscription of subscriptions) subscription.dispose();
        box.dispose();
        resolve(answer);
      }),
    ];
    box.show();
  });
}
