import * as vscode from 'vscode';
import type { EventType } from '../agent/protocol';
import { InspectProvider } from '../inspect/inspect-provider';
import { isCurrentTask } from '../model/status';
import { nodeName, taskLabel } from '../views/format';
import { refOf, reportError, type CommandContext } from './common';

interface Target {
  type: EventType;
  id: string;
  name: string;
}

function targetOf(ctx: CommandContext, argument: unknown): Target | undefined {
  const ref = refOf(argument);
  if (!ref || ref.type === 'message') return undefined;
  const { model } = ctx;
  const nodeNameOf = (id: string) => {
    const node = model.nodes.get(id);
    return node ? nodeName(node) : undefined;
  };
  switch (ref.type) {
    case 'node': {
      const node = model.nodes.get(ref.id);
      return node ? { type: 'node', id: node.ID, name: nodeName(node) } : undefined;
    }
    case 'service': {
      const service = model.services.get(ref.id);
      return service ? { type: 'service', id: service.ID, name: service.Spec.Name } : undefined;
    }
    case 'task': {
      const task = model.tasks.get(ref.id);
      const service = task ? model.services.get(task.ServiceID) : undefined;
      return task
        ? { type: 'task', id: task.ID, name: taskLabel(service?.Spec.Name ?? 'task', task, nodeNameOf) }
        : undefined;
    }
    case 'network': {
      const network = model.networks.get(ref.id);
      return network ? { type: 'network', id: network.ID, name: network.Name } : undefined;
    }
  }
}

async function pickTarget(ctx: CommandContext): Promise<Target | undefined> {
  const { model } = ctx;
  const nodeNameOf = (id: string) => {
    const node = model.nodes.get(id);
    return node ? nodeName(node) : undefined;
  };
  const items: Array<vscode.QuickPickItem & { target?: Target }> = [];
  const section = (label: string) => items.push({ label, kind: vscode.QuickPickItemKind.Separator });
  section('Services');
  for (const s of model.services.values())
    items.push({
      label: s.Spec.Name,
      description: 'service',
      target: { type: 'service', id: s.ID, name: s.Spec.Name },
    });
  section('Tasks');
  for (const t of model.tasks.values()) {
    if (!isCurrentTask(t)) continue;
    const name = taskLabel(model.services.get(t.ServiceID)?.Spec.Name ?? 'task', t, nodeNameOf);
    items.push({
      label: name,
      description: `task \u00b7 ${t.Status.State}`,
      target: { type: 'task', id: t.ID, name },
    });
  }
  section('Nodes');
  for (const n of model.nodes.values())
    items.push({
      label: nodeName(n),
      description: 'node',
      target: { type: 'node', id: n.ID, name: nodeName(n) },
    });
  section('Networks');
  for (const n of model.networks.values())
    items.push({
      label: n.Name,
      description: 'network',
      target: { type: 'network', id: n.ID, name: n.Name },
    });
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: 'Inspect what?',
    matchOnDescription: true,
  });
  return picked?.target;
}

export async function inspect(ctx: CommandContext, argument: unknown): Promise<void> {
  const target = targetOf(ctx, argument) ?? (refOf(argument) ? undefined : await pickTarget(ctx));
  if (!target) return;
  try {
    const document = await vscode.workspace.openTextDocument(
      InspectProvider.uriFor(target.type, target.id, target.name),
    );
    await vscode.languages.setTextDocumentLanguage(document, 'json');
    await vscode.window.showTextDocument(document, { preview: true });
  } catch (error) {
    reportError(ctx, `Inspecting ${target.name} failed`, error);
  }
}
