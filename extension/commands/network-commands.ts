import * as vscode from 'vscode';
import { servicesOnNetwork } from '../views/tree-data';
import { reportError, resolveNetwork, type CommandContext } from './common';
import { networkCreateBody } from './specs';
import { validateNetworkName, validateSubnet } from './validators';

export async function createNetwork(ctx: CommandContext): Promise<void> {
  if (ctx.connection.state.kind !== 'connected') {
    reportError(ctx, 'Cannot create a network', new Error('not connected to the Shoal agent'));
    return;
  }
  const taken = new Set([...ctx.model.networks.values()].map((n) => n.Name));
  const name = await vscode.window.showInputBox({
    title: 'Create Network (1/2)',
    prompt: 'Network name',
    validateInput: (v) => validateNetworkName(v, taken),
  });
  if (name === undefined) return;
  const subnet = await vscode.window.showInputBox({
    title: 'Create Network (2/2)',
    prompt: 'Subnet in CIDR notation, e.g. 10.20.0.0/24; empty to let the engines choose',
    validateInput: validateSubnet,
  });
  if (subnet === undefined) return;
  try {
    await ctx.connection.request('POST', '/networks/create', networkCreateBody(name.trim(), subnet, true));
    vscode.window.setStatusBarMessage(`Shoal: network ${name.trim()} created`, 5000);
  } catch (error) {
    reportError(ctx, `Creating the network ${name.trim()} failed`, error);
  }
}

export async function removeNetwork(ctx: CommandContext, argument: unknown): Promise<void> {
  const network = await resolveNetwork(ctx, argument, 'Remove which network?');
  if (!network) return;
  const users = servicesOnNetwork(ctx.model, network).map((s) => s.Spec.Name);
  const choice = await vscode.window.showWarningMessage(
    `Remove the network ${network.Name}?`,
    {
      modal: true,
      ...(users.length > 0
        ? { detail: `It is used by ${users.join(', ')}: the agent will refuse while they use it.` }
        : {}),
    },
    'Remove',
  );
  if (choice !== 'Remove') return;
  try {
    await ctx.connection.request('DELETE', `/networks/${encodeURIComponent(network.ID)}`);
    vscode.window.setStatusBarMessage(`Shoal: network ${network.Name} removed`, 5000);
  } catch (error) {
    reportError(ctx, `Removing the network ${network.Name} failed`, error);
  }
}
