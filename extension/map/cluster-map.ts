import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { AgentConnection } from '../agent/connection';
import type { ClusterModel } from '../model/cluster-model';
import { Debouncer } from '../util/debouncer';
import { buildMapData } from './map-data';

export const MAP_VIEW_TYPE = 'shoal.clusterMap';

/** Messages the webview sends. */
type FromWebview = { type: 'ready' } | { type: 'inspect'; kind: 'task' | 'node'; id: string };

function isFromWebview(value: unknown): value is FromWebview {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; kind?: unknown; id?: unknown };
  if (message.type === 'ready') return true;
  return (
    message.type === 'inspect' &&
    (message.kind === 'task' || message.kind === 'node') &&
    typeof message.id === 'string'
  );
}

/**
 * The cluster map: nodes as columns, tasks as boxes. The webview gets data only as JSON messages and builds its
 * DOM with textContent; its CSP allows nothing but its own nonce'd script and the media folder's stylesheet.
 */
export class ClusterMapPanel implements vscode.Disposable {
  private static current: ClusterMapPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly debouncer = new Debouncer<unknown>(150, () => this.post());
  private ready = false;

  static show(extensionUri: vscode.Uri, model: ClusterModel, connection: AgentConnection): void {
    if (ClusterMapPanel.current) {
      ClusterMapPanel.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      MAP_VIEW_TYPE,
      'Shoal Cluster Map',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
      },
    );
    ClusterMapPanel.current = new ClusterMapPanel(panel, extensionUri, model, connection);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly model: ClusterModel,
    private readonly connection: AgentConnection,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'shoal.svg');
    panel.webview.html = this.html(panel.webview, extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.debouncer.push(undefined);
      }),
      model.onDidChange(() => this.debouncer.push(undefined)),
      model.onDidReset(() => this.debouncer.push(undefined)),
      connection.onDidChangeState(() => this.debouncer.push(undefined)),
      { dispose: () => this.debouncer.dispose() },
    );
  }

  private onMessage(message: unknown): void {
    if (!isFromWebview(message)) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.post();
      return;
    }
    void vscode.commands.executeCommand('shoal.inspect', { ref: { type: message.kind, id: message.id } });
  }

  private post(): void {
    // A hidden panel gets the data when it shows again (onDidChangeViewState).
    if (!this.ready || !this.panel.visible) return;
    const state = this.connection.state;
    void this.panel.webview.postMessage({
      type: 'data',
      connected: state.kind === 'connected',
      status:
        state.kind === 'connected'
          ? `agent ${state.agentVersion} at ${state.endpoint}`
          : 'message' in state
            ? state.message
            : state.kind,
      data: buildMapData(this.model),
    });
  }

  private html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'map.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'map.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Shoal Cluster Map</title>
</head>
<body>
<header class="toolbar">
  <input id="filter" type="search" placeholder="Filter by service, task or node" aria-label="Filter">
  <span id="summary" class="summary"></span>
  <span id="status" class="status"></span>
</header>
<main id="map" class="map" aria-live="polite"></main>
<section id="unassigned" class="unassigned"></section>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    ClusterMapPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
