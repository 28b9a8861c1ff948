import * as vscode from 'vscode';
import type { NodeAvailability, SwarmNode } from '../model/types';
import { nodeName } from '../views/format';
import { reportError, resolveNode, type CommandContext } from './common';
import { nodeSpecWithAvailability, nodeSpecWithLabel, nodeSpecWithoutLabel, nodeUpdatePath } from './specs';
import { parseLabel, splitList, validateEngineEndpoint, validateLabel } from './validators';

async function updateNodeSpec(
  ctx: CommandContext,
  node: SwarmNode,
  spec: SwarmNode['Spec'],
  what: string,
): Promise<boolean> {
  const fresh = ctx.model.nodes.get(node.ID) ?? node;
  try {
    await ctx.connection.request('POST', nodeUpdatePath(fresh), spec);
    ctx.log.info(`${what}: done`);
    return true;
  } catch (error) {
    reportError(ctx, `${what} failed`, error);
    return false;
  }
}

const AVAILABILITY_VERB: Readonly<Record<NodeAvailability, string>> = {
  active: 'Activate',
  pause: 'Pause',
  drain: 'Drain',
};

export async function setAvailability(
  ctx: CommandContext,
  argument: unknown,
  availability: NodeAvailability,
): Promise<void> {
  const verb = AVAILABILITY_VERB[availability];
  const node = await resolveNode(
    ctx,
    argument,
    `${verb} which node?`,
    (n) => n.Spec.Availability !== availability,
  );
  if (!node) return;
  const fresh = ctx.model.nodes.get(node.ID) ?? node;
  const name = nodeName(fresh);
  if (await updateNodeSpec(ctx, fresh, nodeSpecWithAvailability(fresh, availability), `${verb} ${name}`)) {
    const detail =
      availability === 'drain'
        ? 'its tasks move to other nodes'
        : availability === 'pause'
          ? 'no new tasks are placed on it'
          : 'it takes new tasks again';
    vscode.window.setStatusBarMessage(`Shoal: ${name} is now ${availability}: ${detail}`, 5000);
  }
}

export async function addLabel(ctx: CommandContext, argument: unknown): Promise<void> {
  const node = await resolveNode(ctx, argument, 'Add a label to which node?');
  if (!node) return;
  const answer = await vscode.window.showInputBox({
    title: `Add Label to ${nodeName(node)}`,
    prompt: 'key=value (constraints match it as node.labels.key)',
    validateInput: validateLabel,
  });
  if (answer === undefined) return;
  const { key, value } = parseLabel(answer);
  const fresh = ctx.model.nodes.get(node.ID) ?? node;
  await updateNodeSpec(
    ctx,
    fresh,
    nodeSpecWithLabel(fresh, key, value),
    `Add label ${key} to ${nodeName(fresh)}`,
  );
}

export async function removeLabel(ctx: CommandContext, argument: unknown): Promise<void> {
  const node = await resolveNode(
    ctx,
    argument,
    'Remove a label from which node?',
    (n) => Object.keys(n.Spec.Labels).length > 0,
  );
  if (!node) return;
  const labels = Object.entries(node.Spec.Labels);
  if (labels.length === 0) {
    void vscode.window.showInformationMessage(`${nodeName(node)} has no labels.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    labels.map(([key, value]) => ({ label: key, description: value })),
    { title: `Remove Label from ${nodeName(node)}`, canPickMany: true, placeHolder: 'Labels to remove' },
  );
  if (!picked || picked.length === 0) return;
  let spec = (ctx.model.nodes.get(node.ID) ?? node).Spec;
  for (const { label } of picked) spec = nodeSpecWithoutLabel({ ...node, Spec: spec }, label);
  const keys = picked.map((p) => p.label).join(', ');
  await updateNodeSpec(
    ctx,
    node,
    spec,
    `Remove label${picked.length > 1 ? 's' : ''} ${keys} from ${nodeName(node)}`,
  );
}

export async function addNode(ctx: CommandContext): Promise<void> {
  if (ctx.connection.state.kind !== 'connected') {
    reportError(ctx, 'Cannot add a node', new Error('not connected to the Shoal agent'));
    return;
  }
  const endpoint = await vscode.window.showInputBox({
    title: 'Add Node (1/2)',
    prompt: 'The Docker engine: unix:///var/run/docker.sock, tcp://host:2376 (TLS) or ssh://user@host',
    ignoreFocusOut: true,
    validateInput: validateEngineEndpoint,
  });
  if (endpoint === undefined) return;
  const labelsText = await vscode.window.showInputBox({
    title: 'Add Node (2/2)',
    prompt: 'Node labels, e.g. zone=west disk=ssd; empty for none',
    ignoreFocusOut: true,
    validateInput: (text) =>
      splitList(text)
        .map(validateLabel)
        .find((m) => m !== undefined),
  });
  if (labelsText === undefined) return;
  const labels = Object.fromEntries(
    splitList(labelsText)
      .map((l) => parseLabel(l))
      .map(({ key, value }) => [key, value]),
  );
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Adding ${endpoint.trim()}\u2026` },
    async () => {
      try {
        const node = await ctx.connection.request<SwarmNode>('POST', '/shoal/nodes', {
          Endpoint: endpoint.trim(),
          ...(Object.keys(labels).length > 0 ? { Labels: labels } : {}),
        });
        void vscode.window.showInformationMessage(
          `Node ${node?.Description?.Hostname ?? endpoint.trim()} added.`,
        );
      } catch (error) {
        reportError(ctx, `Adding ${endpoint.trim()} failed`, error);
      }
    },
  );
}

export async function removeNode(ctx: CommandContext, argument: unknown): Promise<void> {
  const node = await resolveNode(ctx, argument, 'Remove which node?');
  if (!node) return;
  const name = nodeName(node);
  const down = node.Status.State === 'down';
  const choice = await vscode.window.showWarningMessage(
    `Remove the node ${name} from the cluster?`,
    {
      modal: true,
      detail: down
        ? 'Its tasks are rescheduled on other nodes. The engine itself is not changed.'
        : `${name} is ${node.Status.State}: removing it needs force. Its tasks are rescheduled elsewhere; its containers are left on the engine.`,
    },
    down ? 'Remove' : 'Force Remove',
  );
  if (choice === undefined) return;
  try {
    await ctx.connection.request(
      'DELETE',
      `/nodes/${encodeURIComponent(node.ID)}${down ? '' : '?force=true'}`,
    );
    void vscode.window.showInformationMessage(`Node ${name} removed.`);
  } catch (error) {
    reportError(ctx, `Removing ${name} failed`, error);
  }
}
