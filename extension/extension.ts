import * as vscode from 'vscode';
import type { ShoalApi } from './api';
import { AgentController } from './agent/agent-controller';
import { AgentStatusBar } from './agent/status-bar';
import { registerCommands } from './commands/register';
import { INSPECT_SCHEME } from './inspect/inspect-path';
import { InspectProvider } from './inspect/inspect-provider';
import { ClusterModel } from './model/cluster-model';
import { registerStackCommands } from './stacks/stack-commands';
import { ShoalTreeProvider, VIEW_IDS, type ViewKind } from './views/tree-provider';

/**
 * Activation: wires the model, the agent connection, the views, the status bar and the commands. Nothing here
 * waits for the agent: the connection starts in the background and the views say what is going on.
 */
export function activate(context: vscode.ExtensionContext): ShoalApi {
  const log = vscode.window.createOutputChannel('Shoal', { log: true });
  const model = new ClusterModel();
  const controller = new AgentController(context, model, log);
  const { connection } = controller;
  context.subscriptions.push(log, { dispose: () => model.dispose() }, controller);

  const trees = {} as Record<ViewKind, ShoalTreeProvider>;
  for (const view of Object.keys(VIEW_IDS) as ViewKind[]) {
    const provider = new ShoalTreeProvider(view, model, connection, context.extensionUri);
    trees[view] = provider;
    const tree = vscode.window.createTreeView(VIEW_IDS[view], {
      treeDataProvider: provider,
      showCollapseAll: view !== 'networks',
    });
    context.subscriptions.push(provider, tree);
  }

  const inspect = new InspectProvider(model, connection);
  context.subscriptions.push(
    inspect,
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, inspect),
  );

  context.subscriptions.push(new AgentStatusBar(connection, model));
  const commandContext = { model, connection, controller, log, extensionUri: context.extensionUri };
  context.subscriptions.push(
    ...registerCommands(commandContext),
    ...registerStackCommands(commandContext, context.workspaceState),
  );

  const updateContext = () =>
    void vscode.commands.executeCommand(
      'setContext',
      'shoal.connected',
      connection.state.kind === 'connected',
    );
  context.subscriptions.push(connection.onDidChangeState(updateContext));
  updateContext();

  log.info(`Shoal ${String(context.extension.packageJSON.version ?? '')} activated`);
  controller.start();
  return { model, connection, trees };
}

export function deactivate(): void {
  // Everything is in context.subscriptions. The agent keeps running: it is detached on purpose.
}
