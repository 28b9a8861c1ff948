import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { shoalHome } from '../../agent/util/home';
import { SHOAL_BIN } from './sandbox';

export interface AgentProcess {
  child: ChildProcess;
  socket: string;
  endpoint: string;
  tcp?: { host: string; port: number };
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `shoal agent` as a real process (in this run's SHOAL_HOME unless `env` says otherwise). */
export function startAgentProcess(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<AgentProcess> {
  const child = spawn(process.execPath, [SHOAL_BIN, 'agent', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const home = env.SHOAL_HOME ?? shoalHome();
  const socket = path.join(home, 'agent.sock');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start in 20 s:\n${out}`)), 20_000);
    const onData = (): void => {
      if (!/serving on unix:/.test(out)) return;
      const tcpMatch = /and on tcp:\/\/([^:\s]+):(\d+)/.exec(out);
      if (args.includes('--listen') && !tcpMatch) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        child,
        socket,
        endpoint: `unix://${socket}`,
        ...(tcpMatch ? { tcp: { host: tcpMatch[1]!, port: Number(tcpMatch[2]) } } : {}),
        output: () => out,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code}:\n${out}`));
    });
  });
}
