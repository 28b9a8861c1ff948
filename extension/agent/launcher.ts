import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentEndpoint } from './endpoint';
import { shoalHome } from './endpoint';

/** How to run `shoal`: an executable, or a script for node. */
export interface ShoalCommand {
  file: string;
  args: string[];
  /** Where it was found, for messages. */
  source: 'setting' | 'repository' | 'path';
}

export interface FindOptions {
  /** `shoal.agent.command`; empty for the default. */
  setting: string;
  /** The extension's own directory: when it is the Shoal repository, its `bin/shoal.js` is used. */
  extensionPath: string;
  env?: NodeJS.ProcessEnv;
  exists?(file: string): boolean;
}

const isFile = (file: string): boolean => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * Finds the `shoal` command: the setting (a path or a name on PATH; a `.js` file runs with node), else the
 * repository's `bin/shoal.js` when the extension runs from a checkout, else `shoal` on PATH. Undefined when
 * none exists, so the caller can say what to set.
 */
export function findShoalCommand(options: FindOptions): ShoalCommand | undefined {
  const env = options.env ?? process.env;
  const exists = options.exists ?? isFile;
  const script = (file: string, source: ShoalCommand['source']): ShoalCommand => ({
    file: findOnPath('node', env, exists) ?? 'node',
    args: [file],
    source,
  });
  const setting = options.setting.trim();
  if (setting !== '') {
    const file = setting.includes('/') ? path.resolve(setting) : findOnPath(setting, env, exists);
    if (file === undefined || !exists(file)) return undefined;
    return file.endsWith('.js') || file.endsWith('.mjs') || file.endsWith('.cjs')
      ? script(file, 'setting')
      : { file, args: [], source: 'setting' };
  }
  const repositoryBin = path.join(options.extensionPath, 'bin', 'shoal.js');
  if (exists(repositoryBin) && exists(path.join(options.extensionPath, 'agent', 'cli', 'main.ts'))) {
    return script(repositoryBin, 'repository');
  }
  const onPath = findOnPath('shoal', env, exists);
  return onPath ? { file: onPath, args: [], source: 'path' } : undefined;
}

export function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv,
  exists: (file: string) => boolean,
): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (exists(candidate)) return candidate;
  }
  return undefined;
}

export interface AgentLaunch {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Where the agent's output goes. */
  logFile: string;
  home: string;
}

/**
 * The command line and environment that make an agent listen where the endpoint setting points: a socket
 * named `agent.sock` in another directory becomes that `SHOAL_HOME`; a TCP endpoint adds `--listen`.
 */
export function agentLaunch(
  command: ShoalCommand,
  endpoint: AgentEndpoint,
  env: NodeJS.ProcessEnv = process.env,
): AgentLaunch {
  let home = shoalHome(env);
  const childEnv: NodeJS.ProcessEnv = { ...env };
  const args = [...command.args, 'agent'];
  if (endpoint.kind === 'unix') {
    if (path.basename(endpoint.socketPath) !== 'agent.sock') {
      throw new Error(
        `the agent always listens on <SHOAL_HOME>/agent.sock, so it cannot be started for ${endpoint.socketPath}; ` +
          'start it yourself or change shoal.agent.endpoint',
      );
    }
    home = path.dirname(endpoint.socketPath);
    childEnv.SHOAL_HOME = home;
  } else {
    args.push('--listen', `${endpoint.host}:${endpoint.port}`);
  }
  // The extension host may run under Electron: never let that leak into the agent's node.
  delete childEnv.ELECTRON_RUN_AS_NODE;
  return { file: command.file, args, env: childEnv, logFile: path.join(home, 'agent.log'), home };
}

export interface StartedAgent {
  pid: number | undefined;
  logFile: string;
  /** Resolves with the exit code if the agent exits while the extension host still runs. */
  exited: Promise<number | null>;
}

/**
 * Starts the agent detached, in its own process group, with its output appended to `agent.log`, so it keeps
 * converging services after VS Code closes.
 */
export function startAgent(launch: AgentLaunch): StartedAgent {
  fs.mkdirSync(launch.home, { recursive: true, mode: 0o700 });
  const out = fs.openSync(launch.logFile, 'a', 0o600);
  try {
    const child = spawn(launch.file, launch.args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: launch.env,
      cwd: launch.home,
    });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1));
    });
    child.unref();
    return { pid: child.pid, logFile: launch.logFile, exited };
  } finally {
    fs.closeSync(out);
  }
}

/** The last lines of the agent's log, to say why it did not start. */
export function tailOfFile(file: string, maxBytes = 4096): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').trim();
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
