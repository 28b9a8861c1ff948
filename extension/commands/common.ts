import * as vscode from 'vscode';
import type { AgentController } from '../agent/agent-controller';
import type { AgentConnection } from '../agent/connection';
import { AgentRequestError, AgentUnavailableError } from '../agent/protocol';
import type { ClusterModel } from '../model/cluster-model';
import { isCurrentTask, serviceCounts, serviceMode } from '../model/status';
import type { Network, Service, SwarmNode, Task } from '../model/types';
import { compareNames, formatCpus, nodeName, shortImage, taskLabel } from '../views/format';
import type { ItemRef } from '../views/tree-data';

/** What every command needs. */
export interface CommandContext {
  model: ClusterModel;
  connection: AgentConnection;
  controller: AgentController;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}

/** The argument a command gets from a tree's context menu (a TreeEntry) or from the map (a ref). */
export type CommandArgument = { ref: ItemRef } | undefined;

export function refOf(argument: unknown): ItemRef | undefined {
  if (typeof argument !== 'object' || argument === null || !('ref' in argument)) return undefined;
  const ref = (argument as { ref: unknown }).ref;
  if (typeof ref !== 'object' || ref === null || !('type' in ref)) return undefined;
  return ref as ItemRef;
}

/** Says what failed and why, in the agent's own words, and logs it. */
export function reportError(ctx: CommandContext, what: string, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  ctx.log.error(`${what}: ${reason}`);
  const actions = error instanceof AgentUnavailableError ? ['Show Log'] : [];
  void vscode.window.showErrorMessage(`${what}: ${reason}`, ...actions).then((choice) => {
    if (choice === 'Show Log') ctx.log.show(true);
  });
}

export function isAgentRefusal(error: unknown): error is AgentRequestError {
  return error instanceof AgentRequestError;
}

interface Picked<T> extends vscode.QuickPickItem {
  value: T;
}

async function pick<T>(items: Array<Picked<T>>, placeholder: string, empty: string): Promise<T | undefined> {
  if (items.length === 0) {
    void vscode.window.showInformationMessage(empty);
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(items, {
    placeHolder: placeholder,
    matchOnDescription: true,
  });
  return chosen?.value;
}

export function ensureConnected(ctx: CommandContext): boolean {
  if (ctx.connection.state.kind === 'connected') return true;
  void vscode.window
    .showErrorMessage('Not connected to the Shoal agent.', 'Start Agent', 'Open Settings')
    .then((choice) => {
      if (choice === 'Start Agent') void ctx.controller.startAgent();
      else if (choice === 'Open Settings') void ctx.controller.openSettings();
    });
  return false;
}

export async function resolveService(
  ctx: CommandContext,
  argument: unknown,
  placeholder: string,
  filter: (service: Service) => boolean = () => true,
): Promise<Service | undefined> {
  if (!ensureConnected(ctx)) return undefined;
  const ref = refOf(argument);
  if (ref?.type === 'service') return ctx.model.services.get(ref.id);
  if (ref?.type === 'task') {
    const task = ctx.model.tasks.get(ref.id);
    return task ? ctx.model.services.get(task.ServiceID) : undefined;
  }
  const items = [...ctx.model.services.values()]
    .filter(filter)
    .sort((a, b) => compareNames(a.Spec.Name, b.Spec.Name))
    .map((service): Picked<Service> => {
      const counts = serviceCounts(service, ctx.model.tasksOfService(service.ID));
      return {
        label: service.Spec.Name,
        description: `${serviceMode(service)} ${counts.running}/${counts.desired} \u00b7 ${shortImage(service.Spec.TaskTemplate.ContainerSpec.Image)}`,
        value: service,
      };
    });
  return pick(items, placeholder, 'There is no service to choose from.');
}

export async function resolveNode(
  ctx: CommandContext,
  argument: unknown,
  placeholder: string,
  filter: (node: SwarmNode) => boolean = () => true,
): Promise<SwarmNode | undefined> {
  if (!ensureConnected(ctx)) return undefined;
  const ref = refOf(argument);
  if (ref?.type === 'node') return ctx.model.nodes.get(ref.id);
  const items = [...ctx.model.nodes.values()]
    .filter(filter)
    .sort((a, b) => compareNames(nodeName(a), nodeName(b)))
    .map((node): Picked<SwarmNode> => ({
      label: nodeName(node),
      description: `${node.Status.State} \u00b7 ${node.Spec.Availability} \u00b7 ${node.Spec.Role} \u00b7 ${formatCpus(node.Description.Resources.NanoCPUs)}`,
      value: node,
    }));
  return pick(items, placeholder, 'There is no node to choose from.');
}

export async function resolveNetwork(
  ctx: CommandContext,
  argument: unknown,
  placeholder: string,
): Promise<Network | undefined> {
  if (!ensureConnected(ctx)) return undefined;
  const ref = refOf(argument);
  if (ref?.type === 'network') return ctx.model.networks.get(ref.id);
  const items = [...ctx.model.networks.values()]
    .sort((a, b) => compareNames(a.Name, b.Name))
    .map((n): Picked<Network> => ({
      label: n.Name,
      description: `${n.Driver} \u00b7 ${n.Subnets.join(', ')}`,
      value: n,
    }));
  return pick(items, placeholder, 'There is no cluster network to choose from.');
}

/** A service or one of its tasks, for logs and inspect from the palette. */
export async function resolveServiceOrTask(
  ctx: CommandContext,
  argument: unknown,
  placeholder: string,
): Promise<{ service: Service; task?: Task } | undefined> {
  if (!ensureConnected(ctx)) return undefined;
  const ref = refOf(argument);
  if (ref?.type === 'task') {
    const task = ctx.model.tasks.get(ref.id);
    const service = task ? ctx.model.services.get(task.ServiceID) : undefined;
    return task && service ? { service, task } : undefined;
  }
  if (ref?.type === 'service') {
    const service = ctx.model.services.get(ref.id);
    return service ? { service } : undefined;
  }
  const nodeNameOf = (id: string) => {
    const node = ctx.model.nodes.get(id);
    return node ? nodeName(node) : undefined;
  };
  const items: Array<Picked<{ service: Service; task?: Task }>> = [];
  for (const service of [...ctx.model.services.values()].sort((a, b) =>
    compareNames(a.Spec.Name, b.Spec.Name),
  )) {
    items.push({ label: service.Spec.Name, description: 'service: all tasks', value: { service } });
    for (const task of ctx.model.tasksOfService(service.ID)) {
      if (!isCurrentTask(task)) continue;
      items.push({
        label: `$(circle-small) ${taskLabel(service.Spec.Name, task, nodeNameOf)}`,
        description: `task \u00b7 ${task.Status.State}${task.NodeID ? ` on ${nodeNameOf(task.NodeID) ?? task.NodeID}` : ''}`,
        value: { service, task },
      });
    }
  }
  return pick(items, placeholder, 'There is no service to choose from.');
}
