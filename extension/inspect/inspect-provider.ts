import * as vscode from 'vscode';
import type { AgentConnection } from '../agent/connection';
import type { ClusterModel } from '../model/cluster-model';
import { Debouncer } from '../util/debouncer';
import { INSPECT_SCHEME, inspectApiPath, inspectPath, parseInspectPath } from './inspect-path';
import type { EventType } from '../agent/protocol';

/**
 * Read-only JSON documents of cluster objects (`shoal:/service/<id>/web.json`), as the agent's inspect
 * endpoints return them; open documents follow the object's changes.
 */
export class InspectProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly onDidChangeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly open = new Map<string, vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly debouncer = new Debouncer<string>(250, (keys) => {
    for (const key of new Set(keys)) {
      const uri = this.open.get(key);
      if (uri) this.onDidChangeEmitter.fire(uri);
    }
  });

  constructor(
    private readonly model: ClusterModel,
    private readonly connection: AgentConnection,
  ) {
    this.disposables.push(
      this.onDidChangeEmitter,
      model.onDidChange((change) => {
        const key = `${change.type}:${change.id}`;
        if (this.open.has(key)) this.debouncer.push(key);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.scheme !== INSPECT_SCHEME) return;
        const parsed = parseInspectPath(document.uri.path);
        if (parsed) this.open.delete(`${parsed.type}:${parsed.id}`);
      }),
      { dispose: () => this.debouncer.dispose() },
    );
  }

  static uriFor(type: EventType, id: string, name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: INSPECT_SCHEME, path: inspectPath(type, id, name) });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseInspectPath(uri.path);
    if (!parsed) return `// not a Shoal object: ${uri.toString()}\n`;
    this.open.set(`${parsed.type}:${parsed.id}`, uri);
    try {
      const body = await this.connection.request('GET', inspectApiPath(parsed.type, parsed.id));
      return `${JSON.stringify(body, null, 2)}\n`;
    } catch (error) {
      // The last known state is better than nothing; say where it comes from.
      const known = this.model.get(parsed.type, parsed.id);
      const reason = error instanceof Error ? error.message : String(error);
      if (known) return `${JSON.stringify({ _shoal: `last known state (${reason})`, ...known }, null, 2)}\n`;
      return `${JSON.stringify({ error: reason }, null, 2)}\n`;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
