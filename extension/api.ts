import type * as vscode from 'vscode';
import type { AgentConnection } from './agent/connection';
import type { ViewKind } from './commands/ids';
import type { ClusterModel } from './model/cluster-model';
import type { TreeEntry } from './views/tree-data';

/**
 * What `activate()` returns (`vscode.extensions.getExtension('shoal.shoal').exports`): the cluster as the
 * extension sees it, for other extensions and for the extension-host tests. Treat it as read-only; change the
 * cluster through the commands or `connection.request`.
 */
export interface ShoalApi {
  /** Nodes, services, tasks and networks, kept current from the agent's events. */
  readonly model: ClusterModel;
  /** The agent connection: its state, state changes, and requests on the same WebSocket. */
  readonly connection: AgentConnection;
  /** The data providers behind the Nodes, Services and Networks views, exactly as the views use them. */
  readonly trees: Readonly<Record<ViewKind, vscode.TreeDataProvider<TreeEntry>>>;
}
