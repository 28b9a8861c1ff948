import * as vscode from 'vscode';
import { ensureConnected, refOf, reportError, type CommandContext } from '../commands/common';
import { COMMANDS } from '../commands/ids';
import { folderNameOf } from './compose-files';
import { planAndDeploy, type DeployFlowDeps } from './deploy-flow';
import { PlanDocuments } from './plan-document';
import { recheckOnSave } from './recheck-on-save';
import { StackApi } from './stack-api';
import { describeStackOutcome, watchStack, type StackWatchTarget } from './stack-convergence';
import { StackDiagnostics } from './stack-diagnostics';
import { servicesOfStack } from './stack-grouping';
import { StackMemory, orderStackChoices, type StateStore } from './stack-memory';
import { defaultStackName, validateStackName } from './stack-name';
import { resolveComposeFile } from './stack-source';

interface StackItem extends vscode.QuickPickItem {
  stack?: string;
}

/** The stack commands: Deploy Stack…, Update Stack from File, Remove Stack. */
class StackCommands {
  private readonly deps: DeployFlowDeps;

  constructor(
    private readonly ctx: CommandContext,
    workspaceState: StateStore,
    readonly disposables: vscode.Disposable[],
  ) {
    const diagnostics = new StackDiagnostics();
    const plans = new PlanDocuments();
    disposables.push(diagnostics, plans);
    this.deps = {
      ctx,
      api: new StackApi((method, path, body) => ctx.connection.request(method, path, body)),
      memory: new StackMemory(workspaceState),
      diagnostics,
      plans,
    };
    disposables.push(recheckOnSave(ctx, this.deps.api, this.deps.memory, diagnostics));
  }

  /** The agent's stacks by name with their service counts; undefined (and said why) when it cannot answer. */
  private async stacks(): Promise<Map<string, number> | undefined> {
    try {
      return new Map((await this.deps.api.list()).map((s) => [s.name, s.services]));
    } catch (error) {
      reportError(this.ctx, 'Cannot list the stacks', error);
      return undefined;
    }
  }

  async deploy(argument: unknown): Promise<void> {
    if (!ensureConnected(this.ctx)) return;
    const uri = await resolveComposeFile(argument, 'Deploy Stack');
    if (!uri) return;
    await this.deployAs(uri);
  }

  /** Asks the name (the folder's, or the stack the file was deployed as), then plans and deploys. */
  private async deployAs(uri: vscode.Uri): Promise<void> {
    const existing = await this.deps.api.list().catch(() => []);
    const names = new Set(existing.map((s) => s.name));
    const value = this.deps.memory.stackOf(uri.fsPath) ?? defaultStackName(folderNameOf(uri.fsPath));
    const name = await vscode.window.showInputBox({
      title: `Deploy ${vscode.workspace.asRelativePath(uri)}`,
      prompt: 'Stack name: its services are named <stack>_<service>',
      value,
      validateInput: (input) => {
        const error = validateStackName(input);
        if (error !== undefined) return error;
        if (!names.has(input.trim())) return undefined;
        return {
          message: `Stack ${input.trim()} exists: deploying updates it to this file.`,
          severity: vscode.InputBoxValidationSeverity.Info,
        };
      },
    });
    if (name === undefined) return;
    await planAndDeploy(this.deps, uri, name.trim());
  }

  async update(argument: unknown): Promise<void> {
    if (!ensureConnected(this.ctx)) return;
    const uri = await resolveComposeFile(argument, 'Update Stack from File');
    if (!uri) return;
    const remembered = this.deps.memory.stackOf(uri.fsPath);
    if (remembered !== undefined) {
      await planAndDeploy(this.deps, uri, remembered);
      return;
    }
    const stacks = await this.stacks();
    if (!stacks) return;
    const NEW = 'Deploy as a New Stack\u2026';
    if (stacks.size === 0) {
      const choice = await vscode.window.showInformationMessage(
        `${vscode.workspace.asRelativePath(uri)} was not deployed from here and there is no stack to update.`,
        NEW,
      );
      if (choice === NEW) await this.deployAs(uri);
      return;
    }
    const folder = defaultStackName(folderNameOf(uri.fsPath));
    const items: StackItem[] = orderStackChoices([...stacks.keys()], folder).map((stack) => ({
      label: stack,
      description: `${stacks.get(stack) ?? 0} service${stacks.get(stack) === 1 ? '' : 's'}`,
      stack,
    }));
    items.push({ label: `$(add) ${NEW}`, alwaysShow: true });
    const picked = await vscode.window.showQuickPick(items, {
      title: `Update a stack from ${vscode.workspace.asRelativePath(uri)}`,
      placeHolder: 'Which stack does this file describe?',
    });
    if (!picked) return;
    if (picked.stack === undefined) await this.deployAs(uri);
    else await planAndDeploy(this.deps, uri, picked.stack);
  }

  async remove(argument: unknown): Promise<void> {
    if (!ensureConnected(this.ctx)) return;
    const ref = refOf(argument);
    let stack = ref?.type === 'stack' ? ref.name : undefined;
    if (stack === undefined) {
      const stacks = await this.stacks();
      if (!stacks) return;
      if (stacks.size === 0) {
        void vscode.window.showInformationMessage('There is no stack to remove.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        orderStackChoices([...stacks.keys()], '').map((name) => ({
          label: name,
          description: `${stacks.get(name) ?? 0} service${stacks.get(name) === 1 ? '' : 's'}`,
        })),
        { placeHolder: 'Remove which stack?' },
      );
      if (!picked) return;
      stack = picked.label;
    }
    const services = servicesOfStack(this.ctx.model.services.values(), stack);
    const names = services.map((s) => s.Spec.Name);
    const choice = await vscode.window.showWarningMessage(
      `Remove the stack ${stack}?`,
      {
        modal: true,
        detail:
          services.length > 0
            ? `Its ${services.length} service${services.length === 1 ? '' : 's'} (${names.join(', ')}) will be stopped and removed, and the stack's networks with them.`
            : "The stack's services and networks will be removed.",
      },
      'Remove',
    );
    if (choice !== 'Remove') return;
    const name = stack;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Removing stack ${name}`, cancellable: true },
      async (progress, token) => {
        let removed;
        try {
          removed = await this.deps.api.remove(name);
        } catch (error) {
          reportError(this.ctx, `Removing stack ${name} failed`, error);
          return;
        }
        const targets: StackWatchTarget[] = services.map((s) => ({
          name: s.Spec.Name,
          service: s.ID,
          goal: { kind: 'remove' },
          baselineVersion: s.Version.Index,
        }));
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        const outcomes = await watchStack(this.ctx.model, targets, {
          signal: abort.signal,
          onProgress: (message) => progress.report({ message }),
        });
        cancel.dispose();
        const cancelled = outcomes.some((o) => o.outcome.kind === 'cancelled');
        const text = cancelled
          ? describeStackOutcome(name, outcomes).text
          : `Stack ${name} removed: ${removed.services.length} service${removed.services.length === 1 ? '' : 's'}, ${removed.networks.length} network${removed.networks.length === 1 ? '' : 's'}.`;
        this.ctx.log.info(text);
        void vscode.window.showInformationMessage(text);
      },
    );
  }
}

/** Registers the stack commands; the returned disposables own the diagnostics and the preview documents. */
export function registerStackCommands(ctx: CommandContext, workspaceState: StateStore): vscode.Disposable[] {
  const disposables: vscode.Disposable[] = [];
  const commands = new StackCommands(ctx, workspaceState, disposables);
  disposables.push(
    vscode.commands.registerCommand(COMMANDS.stackDeploy, (argument?: unknown) => commands.deploy(argument)),
    vscode.commands.registerCommand(COMMANDS.stackUpdate, (argument?: unknown) => commands.update(argument)),
    vscode.commands.registerCommand(COMMANDS.stackRemove, (argument?: unknown) => commands.remove(argument)),
  );
  return disposables;
}
