// Helpers for extension-host tests against the sandbox and agent that scripts/test-vscode.sh brings up:
// the extension's exported API, event-driven waits on its model, and the trees' items as VS Code gets them.
import * as vscode from 'vscode';
import type { ShoalApi } from '../../../extension/api';
import type { ViewKind } from '../../../extension/commands/ids';
import type { TreeEntry } from '../../../extension/views/tree-data';

export const EXTENSION_ID = 'shoal.shoal';

/** `unix://<SHOAL_TEST_HOME>/agent.sock` when a sandbox and an agent are up for this run, else undefined. */
export const TEST_ENDPOINT = process.env.SHOAL_TEST_ENDPOINT;

export const NO_SANDBOX =
  'no sandbox and agent for this run (SHOAL_TEST_ENDPOINT unset): scripts/test-vscode.sh brings them up as root';

export async function shoalApi(): Promise<ShoalApi> {
  const extension = vscode.extensions.getExtension<ShoalApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  if (!api?.model || !api.connection || !api.trees) throw new Error('activate() returned no Shoal API');
  return api;
}

/**
 * Resolves once `check` is true, re-checking on every model change, model reset and connection state change
 * (no polling); rejects after `timeoutMs` saying what it waited for and where things stood.
 */
export function until(api: ShoalApi, what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscriptions: { dispose(): void }[] = [];
    const done = (error?: Error): void => {
      clearTimeout(timer);
      for (const s of subscriptions.splice(0)) s.dispose();
      if (error) reject(error);
      else resolve();
    };
    const test = (): void => {
      try {
        if (check()) done();
      } catch (error) {
        done(error as Error);
      }
    };
    const timer = setTimeout(
      () => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${describe(api)}`)),
      timeoutMs,
    );
    subscriptions.push(
      api.model.onDidChange(test),
      api.model.onDidReset(test),
      api.connection.onDidChangeState(test),
    );
    test();
  });
}

/** The connection state and the model in one line, for failure messages. */
export function describe(api: ShoalApi): string {
  const state = api.connection.state;
  const services = [...api.model.services.values()].map((s) => s.Spec.Name).join(', ');
  const tasks = [...api.model.tasks.values()]
    .map((t) => `${t.Slot ?? '-'}@${t.NodeID?.slice(0, 6) ?? '-'}:${t.Status.State}/${t.DesiredState}`)
    .join(' ');
  return `connection ${state.kind} (${'message' in state ? state.message : state.endpoint}); nodes ${api.model.nodes.size}; services [${services}]; tasks [${tasks}]`;
}

/** One tree row: the provider's entry and the vscode.TreeItem the view renders from it. */
export interface Row {
  entry: TreeEntry;
  item: vscode.TreeItem;
  label: string;
  description: string;
  contextValue: string;
}

export async function rows(api: ShoalApi, view: ViewKind, parent?: Row): Promise<Row[]> {
  const provider = api.trees[view];
  const entries = (await provider.getChildren(parent?.entry)) ?? [];
  const out: Row[] = [];
  for (const entry of entries) {
    const item = await provider.getTreeItem(entry);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    out.push({
      entry,
      item,
      label,
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue ?? '',
    });
  }
  return out;
}

export async function row(api: ShoalApi, view: ViewKind, label: string): Promise<Row> {
  const all = await rows(api, view);
  const found = all.find((r) => r.label === label);
  if (!found) throw new Error(`no "${label}" in the ${view} tree: [${all.map((r) => r.label).join(', ')}]`);
  return found;
}

/** The ID of the theme icon (codicon) of a tree item. */
export function iconId(item: vscode.TreeItem): string | undefined {
  const icon = item.iconPath;
  return typeof icon === 'object' && icon !== null && 'id' in icon ? String(icon.id) : undefined;
}
