import * as vscode from 'vscode';
import type { AgentConnection } from '../agent/connection';
import type { ViewKind } from '../commands/ids';
import type { ClusterModel } from '../model/cluster-model';
import { Debouncer } from '../util/debouncer';
import { connectionMessage, emptyMessage } from './messages';
import {
  networkChildren,
  networkRoots,
  nodeChildren,
  nodeRoots,
  serviceChildren,
  serviceRoots,
  stackChildren,
  type TreeEntry,
} from './tree-data';

export { VIEW_IDS, type ViewKind } from '../commands/ids';

/** Model changes within this window cost one refresh. */
const REFRESH_DEBOUNCE_MS = 100;

function roots(view: ViewKind, model: ClusterModel): TreeEntry[] {
  switch (view) {
    case 'nodes':
      return nodeRoots(model);
    case 'services':
      return serviceRoots(model);
    case 'networks':
      return networkRoots(model);
  }
}

function children(view: ViewKind, model: ClusterModel, parent: TreeEntry): TreeEntry[] {
  const ref = parent.ref;
  if (view === 'nodes' && ref.type === 'node') return nodeChildren(model, ref.id);
  if (view === 'services' && ref.type === 'service') return serviceChildren(model, ref.id);
  if (view === 'services' && ref.type === 'stack') return stackChildren(model, ref.name);
  if (view === 'networks' && ref.type === 'network') return networkChildren(model, ref.id);
  return [];
}

/** The thin VS Code side of one tree: entries from `tree-data.ts`, refreshed from the model, debounced. */
export class ShoalTreeProvider implements vscode.TreeDataProvider<TreeEntry>, vscode.Disposable {
  private readonly onDidChangeTreeDataEmitter = new vscode.EventEmitter<TreeEntry | undefined>();
  readonly onDidChangeTreeData = this.onDidChangeTreeDataEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly debouncer = new Debouncer<unknown>(REFRESH_DEBOUNCE_MS, () => this.refresh());
  /** Entries by ID as last handed out, for getParent. */
  private readonly parents = new Map<string, TreeEntry | undefined>();

  constructor(
    private readonly view: ViewKind,
    private readonly model: ClusterModel,
    private readonly connection: AgentConnection,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.disposables.push(
      this.onDidChangeTreeDataEmitter,
      model.onDidChange((change) => {
        if (this.isRelevant(change.type)) this.debouncer.push(change);
      }),
      model.onDidReset(() => this.debouncer.push(undefined)),
      connection.onDidChangeState(() => this.refresh()),
      { dispose: () => this.debouncer.dispose() },
    );
  }

  private isRelevant(type: string): boolean {
    switch (this.view) {
      case 'nodes':
        return type === 'node' || type === 'task' || type === 'service';
      case 'services':
        return type === 'service' || type === 'task' || type === 'node';
      case 'networks':
        return type === 'network' || type === 'service';
    }
  }

  refresh(): void {
    this.debouncer.cancel();
    this.onDidChangeTreeDataEmitter.fire(undefined);
  }

  getTreeItem(entry: TreeEntry): vscode.TreeItem {
    return toTreeItem(entry, this.extensionUri);
  }

  getChildren(parent?: TreeEntry): TreeEntry[] {
    if (!parent) {
      this.parents.clear();
      const message = connectionMessage(this.connection.state);
      if (message) return [message];
      if (!this.model.isLoaded) return [];
      const entries = roots(this.view, this.model);
      if (entries.length === 0) return [emptyMessage(this.view)];
      for (const entry of entries) this.parents.set(entry.id, undefined);
      return entries;
    }
    const entries = children(this.view, this.model, parent);
    for (const entry of entries) this.parents.set(entry.id, parent);
    return entries;
  }

  getParent(entry: TreeEntry): TreeEntry | undefined {
    return this.parents.get(entry.id);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function toTreeItem(entry: TreeEntry, extensionUri: vscode.Uri): vscode.TreeItem {
  const item = new vscode.TreeItem(
    entry.label,
    entry.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = entry.id;
  item.contextValue = entry.contextValue;
  if (entry.description !== undefined) item.description = entry.description;
  if (entry.tooltip !== undefined) item.tooltip = new vscode.MarkdownString(entry.tooltip);
  const icon = entry.icon;
  if (icon && 'codicon' in icon) {
    item.iconPath = new vscode.ThemeIcon(
      icon.codicon,
      icon.color ? new vscode.ThemeColor(icon.color) : undefined,
    );
  } else if (icon) {
    item.iconPath = vscode.Uri.joinPath(extensionUri, 'media', icon.media);
  }
  if (entry.command) item.command = { ...entry.command, arguments: [] };
  return item;
}
