import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClusterModel } from '../model/cluster-model';
import { AgentConnection, messageOf, type ConnectTarget } from './connection';
import { describeEndpoint, parseEndpoint, webSocketUrl, type AgentEndpoint } from './endpoint';
import { agentLaunch, findShoalCommand, startAgent, tailOfFile } from './launcher';

export const TOKEN_SECRET_KEY = 'shoal.agent.token';
const CONFIG_SECTION = 'shoal.agent';

function readEndpoint(): AgentEndpoint {
  return parseEndpoint(vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>('endpoint', ''));
}

/**
 * The VS Code side of the agent connection: settings, the token in SecretStorage, starting an agent, and the
 * commands around them. The connection logic itself lives in `connection.ts`.
 */
export class AgentController implements vscode.Disposable {
  readonly connection: AgentConnection;
  private readonly disposables: vscode.Disposable[] = [];
  private offeredStart = false;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    model: ClusterModel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.connection = new AgentConnection({
      model,
      target: () => this.target(),
      log: (message) => log.info(message),
    });
    this.disposables.push(
      this.connection,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${CONFIG_SECTION}.endpoint`)) {
          log.info('shoal.agent.endpoint changed: reconnecting');
          this.connection.restart();
        }
      }),
      context.secrets.onDidChange((event) => {
        if (event.key === TOKEN_SECRET_KEY && this.endpointOrUndefined()?.kind === 'tcp')
          this.connection.restart();
      }),
      this.connection.onDidChangeState((state) => {
        if (state.kind === 'reconnecting' && state.reason === 'not-running' && !this.offeredStart) {
          this.offeredStart = true;
          void this.offerToStart(state.endpoint);
        }
        if (state.kind === 'connected') this.offeredStart = false;
      }),
    );
  }

  /** Connects (in the background: activation never waits for the agent). */
  start(): void {
    this.connection.restart();
  }

  private endpointOrUndefined(): AgentEndpoint | undefined {
    try {
      return readEndpoint();
    } catch {
      return undefined;
    }
  }

  private async target(): Promise<ConnectTarget> {
    const endpoint = readEndpoint();
    const target: ConnectTarget = { url: webSocketUrl(endpoint), description: describeEndpoint(endpoint) };
    if (endpoint.kind === 'tcp') {
      const token = await this.context.secrets.get(TOKEN_SECRET_KEY);
      if (token === undefined || token === '') {
        throw new Error(
          `a token is needed for ${describeEndpoint(endpoint)}: run "Shoal: Set Agent Token" (it is in $SHOAL_HOME/agent.token)`,
        );
      }
      target.token = token;
    }
    return target;
  }

  private async offerToStart(endpoint: string): Promise<void> {
    const choice = await vscode.window.showInformationMessage(
      `No Shoal agent answers at ${endpoint}. Start one? It keeps running after VS Code closes.`,
      'Start Agent',
      'Open Settings',
    );
    if (choice === 'Start Agent') await this.startAgent();
    else if (choice === 'Open Settings') await this.openSettings();
  }

  /** `shoal agent`, detached; waits (with progress) until it answers or exits. */
  startAgent(): Promise<void> {
    this.starting ??= this.startAgentOnce().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startAgentOnce(): Promise<void> {
    if (this.connection.state.kind === 'connected') {
      void vscode.window.showInformationMessage(
        `The Shoal agent is already running at ${this.connection.state.endpoint}.`,
      );
      return;
    }
    let endpoint: AgentEndpoint;
    try {
      endpoint = readEndpoint();
    } catch (error) {
      void vscode.window
        .showErrorMessage(`Cannot start the agent: ${messageOf(error)}`, 'Open Settings')
        .then((c) => {
          if (c) void this.openSettings();
        });
      return;
    }
    const setting = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>('command', '');
    const command = findShoalCommand({ setting, extensionPath: this.context.extensionUri.fsPath });
    if (!command) {
      const choice = await vscode.window.showErrorMessage(
        setting
          ? `Cannot start the agent: shoal.agent.command "${setting}" was not found.`
          : 'Cannot start the agent: "shoal" is not on PATH. Install it (npm install -g shoal) or set shoal.agent.command.',
        'Open Settings',
      );
      if (choice) await this.openSettings('shoal.agent.command');
      return;
    }
    let launch;
    try {
      launch = agentLaunch(command, endpoint);
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot start the agent: ${messageOf(error)}`);
      return;
    }
    this.log.info(
      `starting the agent: ${[launch.file, ...launch.args].join(' ')} (output in ${launch.logFile})`,
    );
    let started;
    try {
      started = startAgent(launch);
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot start the agent: ${messageOf(error)}`);
      return;
    }
    this.connection.restart();
    const outcome = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Starting the Shoal agent\u2026',
        cancellable: true,
      },
      (_progress, token) =>
        new Promise<'connected' | 'exited' | 'cancelled'>((resolve) => {
          const subscriptions: vscode.Disposable[] = [];
          const done = (result: 'connected' | 'exited' | 'cancelled') => {
            for (const s of subscriptions) s.dispose();
            resolve(result);
          };
          subscriptions.push(
            this.connection.onDidChangeState((state) => {
              if (state.kind === 'connected') done('connected');
            }),
            token.onCancellationRequested(() => done('cancelled')),
          );
          void started.exited.then(() => done('exited'));
          if (this.connection.state.kind === 'connected') done('connected');
        }),
    );
    if (outcome === 'exited') {
      const tail = tailOfFile(launch.logFile).split('\n').slice(-3).join(' ');
      const choice = await vscode.window.showErrorMessage(
        `The Shoal agent exited at once${tail ? `: ${tail}` : ''}`,
        'Open Agent Log',
      );
      if (choice) await vscode.window.showTextDocument(vscode.Uri.file(launch.logFile));
      return;
    }
    if (outcome === 'connected' && endpoint.kind === 'tcp') await this.importTokenFrom(launch.home);
  }

  /** After starting a TCP agent, its token file is ours to read: keep it in SecretStorage, not in settings. */
  private async importTokenFrom(home: string): Promise<void> {
    try {
      const token = fs.readFileSync(path.join(home, 'agent.token'), 'utf8').trim();
      if (token !== '') await this.context.secrets.store(TOKEN_SECRET_KEY, token);
    } catch {
      // No token file (unix socket only): nothing to import.
    }
  }

  async setToken(): Promise<void> {
    const token = await vscode.window.showInputBox({
      title: 'Shoal: Set Agent Token',
      prompt:
        "The bearer token from $SHOAL_HOME/agent.token on the agent host. It is kept in VS Code's secret storage.",
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) =>
        value.trim() === '' || /^[A-Za-z0-9._~+/=-]+$/.test(value.trim())
          ? undefined
          : 'A token has no spaces or control characters',
    });
    if (token === undefined) return;
    if (token.trim() === '') {
      await this.context.secrets.delete(TOKEN_SECRET_KEY);
      void vscode.window.showInformationMessage('The Shoal agent token was removed.');
    } else {
      await this.context.secrets.store(TOKEN_SECRET_KEY, token.trim());
      void vscode.window.showInformationMessage('The Shoal agent token was saved.');
    }
    this.connection.restart();
  }

  async openSettings(setting = 'shoal.agent'): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.openSettings', setting);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
