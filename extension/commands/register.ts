import * as vscode from 'vscode';
import { ClusterMapPanel } from '../map/cluster-map';
import { LogsManager } from '../logs/logs-manager';
import type { CommandContext } from './common';
import { COMMANDS } from './ids';
import { inspect } from './inspect-command';
import { createNetwork, removeNetwork } from './network-commands';
import { addLabel, addNode, removeLabel, removeNode, setAvailability } from './node-commands';
import {
  createService,
  removeService,
  rollbackService,
  scaleService,
  updateService,
} from './service-commands';

interface ActionItem extends vscode.QuickPickItem {
  command: string;
}

/** The status bar's click: what can be done in the current state. */
async function agentActions(ctx: CommandContext): Promise<void> {
  const state = ctx.connection.state;
  const items: ActionItem[] = [];
  if (state.kind === 'connected') {
    items.push(
      { label: '$(map) Open Cluster Map', command: COMMANDS.openMap },
      { label: '$(add) Create Service\u2026', command: COMMANDS.serviceCreate },
      {
        label: '$(cloud-upload) Deploy Stack\u2026',
        description: 'from a compose file',
        command: COMMANDS.stackDeploy,
      },
      {
        label: '$(refresh) Refresh',
        description: 'reload everything from the agent',
        command: COMMANDS.refresh,
      },
    );
  } else {
    items.push(
      { label: '$(play) Start Agent', description: 'shoal agent, detached', command: COMMANDS.agentStart },
      { label: '$(debug-restart) Reconnect', command: COMMANDS.agentReconnect },
    );
  }
  items.push(
    {
      label: '$(key) Set Agent Token\u2026',
      description: 'for a TCP endpoint',
      command: COMMANDS.agentSetToken,
    },
    { label: '$(settings-gear) Open Settings', command: COMMANDS.agentOpenSettings },
    { label: '$(output) Show Log', command: COMMANDS.showLog },
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: `Shoal \u2014 ${state.kind}${'endpoint' in state && state.endpoint ? ` (${state.endpoint})` : ''}`,
  });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const logs = new LogsManager(ctx);
  const { controller, connection } = ctx;
  // Context menus pass the tree item first; programmatic callers may pass more (see command-arguments.ts).
  const handlers: Record<string, (argument?: unknown, ...more: unknown[]) => unknown> = {
    [COMMANDS.agentStart]: () => controller.startAgent(),
    [COMMANDS.agentSetToken]: () => controller.setToken(),
    [COMMANDS.agentReconnect]: () => connection.restart(),
    [COMMANDS.agentOpenSettings]: () => controller.openSettings(),
    [COMMANDS.agentActions]: () => agentActions(ctx),
    [COMMANDS.showLog]: () => ctx.log.show(),
    [COMMANDS.refresh]: () => connection.restart(),
    [COMMANDS.openMap]: () => ClusterMapPanel.show(ctx.extensionUri, ctx.model, connection),
    [COMMANDS.inspect]: (argument) => inspect(ctx, argument),
    [COMMANDS.showLogs]: (argument) => logs.show(argument),
    [COMMANDS.stopLogs]: () => logs.stop(),
    [COMMANDS.serviceCreate]: (argument) => createService(ctx, argument),
    [COMMANDS.serviceScale]: (argument, replicas) => scaleService(ctx, argument, replicas),
    [COMMANDS.serviceUpdate]: (argument) => updateService(ctx, argument),
    [COMMANDS.serviceRollback]: (argument) => rollbackService(ctx, argument),
    [COMMANDS.serviceRemove]: (argument) => removeService(ctx, argument),
    [COMMANDS.nodeDrain]: (argument) => setAvailability(ctx, argument, 'drain'),
    [COMMANDS.nodePause]: (argument) => setAvailability(ctx, argument, 'pause'),
    [COMMANDS.nodeActivate]: (argument) => setAvailability(ctx, argument, 'active'),
    [COMMANDS.nodeAddLabel]: (argument) => addLabel(ctx, argument),
    [COMMANDS.nodeRemoveLabel]: (argument) => removeLabel(ctx, argument),
    [COMMANDS.nodeAdd]: () => addNode(ctx),
    [COMMANDS.nodeRemove]: (argument) => removeNode(ctx, argument),
    [COMMANDS.networkCreate]: () => createNetwork(ctx),
    [COMMANDS.networkRemove]: (argument) => removeNetwork(ctx, argument),
  };
  return [
    logs,
    ...Object.entries(handlers).map(([id, handler]) =>
      vscode.commands.registerCommand(id, (...args: unknown[]) => handler(...args)),
    ),
  ];
}
