import * as vscode from 'vscode';
import { reportError, resolveServiceOrTask, type CommandContext } from '../commands/common';
import { nodeName, taskLabel } from '../views/format';
import { LogFollower, type LogTarget } from './log-follower';

interface Followed {
  follower: LogFollower;
  channel: vscode.OutputChannel;
  title: string;
}

/** "Show Logs": one output channel per service or task, followed live until stopped. */
export class LogsManager implements vscode.Disposable {
  private readonly followed = new Map<string, Followed>();

  constructor(private readonly ctx: CommandContext) {}

  async show(argument: unknown): Promise<void> {
    const picked = await resolveServiceOrTask(this.ctx, argument, 'Show the logs of which service or task?');
    if (!picked) return;
    const { service, task } = picked;
    const nodeNameOf = (id: string) => {
      const node = this.ctx.model.nodes.get(id);
      return node ? nodeName(node) : undefined;
    };
    const target: LogTarget = task ? { task: task.ID } : { service: service.ID };
    const key = task ? `task:${task.ID}` : `service:${service.ID}`;
    const title = task ? taskLabel(service.Spec.Name, task, nodeNameOf) : service.Spec.Name;
    const existing = this.followed.get(key);
    if (existing) {
      // Again on the same target: start over, fresh.
      existing.follower.dispose();
      existing.channel.clear();
    }
    const channel = existing?.channel ?? vscode.window.createOutputChannel(`Shoal Logs: ${title}`);
    const follower = new LogFollower(
      this.ctx.connection,
      target,
      { append: (lines) => channel.append(`${lines.join('\n')}\n`) },
      nodeNameOf,
    );
    this.followed.set(key, { follower, channel, title });
    channel.show(true);
    try {
      follower.start();
    } catch (error) {
      reportError(this.ctx, `Following the logs of ${title} failed`, error);
    }
  }

  /** Stops following one (picked) or all. */
  async stop(): Promise<void> {
    const entries = [...this.followed.entries()];
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('No logs are being followed.');
      return;
    }
    const picked =
      entries.length === 1
        ? entries
        : (
            await vscode.window.showQuickPick(
              entries.map(([key, f]) => ({ label: f.title, key })),
              { canPickMany: true, placeHolder: 'Stop following which logs?' },
            )
          )
            ?.map((p) => entries.find(([key]) => key === p.key))
            .filter((e): e is [string, Followed] => e !== undefined);
    for (const [key, followed] of picked ?? []) {
      followed.follower.dispose();
      followed.channel.appendLine('[shoal] stopped following');
      this.followed.delete(key);
    }
  }

  dispose(): void {
    for (const { follower, channel } of this.followed.values()) {
      follower.dispose();
      channel.dispose();
    }
    this.followed.clear();
  }
}
