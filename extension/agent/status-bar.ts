import * as vscode from 'vscode';
import type { ClusterModel } from '../model/cluster-model';
import { Debouncer } from '../util/debouncer';
import type { AgentConnection } from './connection';
import { statusBarText } from './status-text';

export const STATUS_ACTIONS_COMMAND = 'shoal.agent.actions';

/** The status-bar item: connection state and ready/total nodes; a click opens the agent actions. */
export class AgentStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly debouncer = new Debouncer<unknown>(100, () => this.update());

  constructor(
    private readonly connection: AgentConnection,
    private readonly model: ClusterModel,
  ) {
    this.item = vscode.window.createStatusBarItem('shoal.agent', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Shoal Agent';
    this.item.command = STATUS_ACTIONS_COMMAND;
    this.disposables.push(
      this.item,
      connection.onDidChangeState(() => this.update()),
      model.onDidChange((change) => {
        if (change.type === 'node') this.debouncer.push(change);
      }),
      model.onDidReset(() => this.update()),
      { dispose: () => this.debouncer.dispose() },
    );
    this.update();
    this.item.show();
  }

  private update(): void {
    let ready = 0;
    for (const node of this.model.nodes.values()) if (node.Status.State === 'ready') ready++;
    const text = statusBarText(this.connection.state, { ready, total: this.model.nodes.size });
    this.item.text = text.text;
    this.item.tooltip = text.tooltip;
    this.item.backgroundColor = text.background ? new vscode.ThemeColor(text.background) : undefined;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
