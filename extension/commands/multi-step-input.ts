/**
 * Multi-step quick input with a Back button, after vscode-extension-samples' quickinput-sample: each step is
 * a function that shows one input and returns the next step.
 */
import * as vscode from 'vscode';

class InputFlowAction {
  static readonly back = new InputFlowAction();
  static readonly cancel = new InputFlowAction();
}

export type InputStep = (input: MultiStepInput) => Thenable<InputStep | void>;

interface CommonParameters {
  title: string;
  step: number;
  totalSteps: number;
}

export interface QuickPickParameters<T extends vscode.QuickPickItem> extends CommonParameters {
  items: readonly T[];
  activeItem?: T;
  placeholder: string;
}

export interface InputBoxParameters extends CommonParameters {
  value: string;
  prompt: string;
  placeholder?: string;
  /** Runs as the user types; a message blocks accepting. */
  validate(value: string): string | undefined;
}

export class MultiStepInput {
  private current?: vscode.QuickInput;
  private readonly steps: InputStep[] = [];

  /** Runs the steps; resolves false when the user cancelled. */
  static async run(start: InputStep): Promise<boolean> {
    return new MultiStepInput().stepThrough(start);
  }

  private async stepThrough(start: InputStep): Promise<boolean> {
    let step: InputStep | void = start;
    let completed = true;
    while (step) {
      this.steps.push(step);
      if (this.current) {
        this.current.enabled = false;
        this.current.busy = true;
      }
      try {
        step = await step(this);
      } catch (error) {
        if (error === InputFlowAction.back) {
          this.steps.pop();
          step = this.steps.pop();
        } else if (error === InputFlowAction.cancel) {
          step = undefined;
          completed = false;
        } else {
          this.current?.dispose();
          throw error;
        }
      }
    }
    this.current?.dispose();
    return completed;
  }

  showQuickPick<T extends vscode.QuickPickItem>(parameters: QuickPickParameters<T>): Promise<T> {
    const disposables: vscode.Disposable[] = [];
    return new Promise<T>((resolve, reject) => {
      const input = vscode.window.createQuickPick<T>();
      input.title = parameters.title;
      input.step = parameters.step;
      input.totalSteps = parameters.totalSteps;
      input.placeholder = parameters.placeholder;
      input.ignoreFocusOut = true;
      input.items = parameters.items;
      if (parameters.activeItem) input.activeItems = [parameters.activeItem];
      input.buttons = this.steps.length > 1 ? [vscode.QuickInputButtons.Back] : [];
      disposables.push(
        input.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) reject(InputFlowAction.back);
        }),
        input.onDidChangeSelection((items) => {
          const [item] = items;
          if (item) resolve(item);
        }),
        input.onDidHide(() => reject(InputFlowAction.cancel)),
      );
      this.replace(input);
    }).finally(() => disposables.forEach((d) => d.dispose()));
  }

  showInputBox(parameters: InputBoxParameters): Promise<string> {
    const disposables: vscode.Disposable[] = [];
    return new Promise<string>((resolve, reject) => {
      const input = vscode.window.createInputBox();
      input.title = parameters.title;
      input.step = parameters.step;
      input.totalSteps = parameters.totalSteps;
      input.value = parameters.value;
      input.prompt = parameters.prompt;
      input.ignoreFocusOut = true;
      if (parameters.placeholder) input.placeholder = parameters.placeholder;
      input.buttons = this.steps.length > 1 ? [vscode.QuickInputButtons.Back] : [];
      const validate = (value: string) => {
        input.validationMessage = parameters.validate(value);
        return input.validationMessage === undefined;
      };
      if (input.value !== '') validate(input.value);
      disposables.push(
        input.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) reject(InputFlowAction.back);
        }),
        input.onDidAccept(() => {
          if (validate(input.value)) resolve(input.value);
        }),
        input.onDidChangeValue((value) => validate(value)),
        input.onDidHide(() => reject(InputFlowAction.cancel)),
      );
      this.replace(input);
    }).finally(() => disposables.forEach((d) => d.dispose()));
  }

  private replace(input: vscode.QuickInput): void {
    this.current?.dispose();
    this.current = input;
    input.show();
  }
}
