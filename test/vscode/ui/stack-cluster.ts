// The sandbox and agent the stack UI test deploys to. scripts/test-vscode.sh (as root) brings one up for the
// whole run and says where with SHOAL_TEST_HOME; run alone, the test brings up its own (as root: a 2-node
// sandbox in a temporary SHOAL_HOME and `shoal agent`) and takes it down again, also on SIGINT/SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT } from '../code-server';

const SHOAL = join(REPO_ROOT, 'bin', 'shoal.js');

export interface UiCluster {
  /** The SHOAL_HOME holding the agent's socket: the extension host gets it as SHOAL_HOME. */
  home: string;
  /** The agent's log so far (empty when the run's shared agent logs elsewhere). */
  agentLog(): string;
  /** An API request on the agent's socket; resolves with the status and the parsed body. */
  request(method: string, path: string): Promise<{ status: number; body: unknown }>;
  /** Stops what this helper started (nothing for the run's shared sandbox). */
  stop(): Promise<void>;
}

function agentRequest(
  home: string,
  method: string,
  path: string,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: join(home, 'agent.sock'), method, path, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: keep the text.
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Undefined when there is none and none can be made (not root): the test then skips. */
export async function clusterForUi(): Promise<UiCluster | undefined> {
  const shared = process.env.SHOAL_TEST_HOME;
  if (shared !== undefined && shared !== '') {
    const log = process.env.SHOAL_TEST_AGENT_LOG;
    return {
      home: shared,
      agentLog: () => (log ? readFileSync(log, 'utf8') : ''),
      request: (method, path) => agentRequest(shared, method, path),
      stop: () => Promise.resolve(),
    };
  }
  if (process.getuid?.() !== 0) return undefined;

  // Short path: unix socket paths under it must stay below 108 bytes.
  const home = mkdtempSync('/tmp/shoal-uistack-');
  const env = { ...process.env, SHOAL_HOME: home };
  let agent: ChildProcess | undefined;
  let log = '';
  let stopped = false;
  const teardown = (): void => {
    if (stopped) return;
    stopped = true;
    if (agent && agent.exitCode === null && agent.signalCode === null) agent.kill('SIGTERM');
    spawnSync(process.execPath, [SHOAL, 'sandbox', 'down'], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    teardown();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', teardown);

  try {
    const up = spawnSync(process.execPath, [SHOAL, 'sandbox', 'up', '--nodes', '2'], {
      env,
      encoding: 'utf8',
    });
    if (up.status !== 0) throw new Error(`sandbox up failed:\n${up.stdout}${up.stderr}`);
    const child = spawn(process.execPath, [SHOAL, 'agent'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    agent = child;
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the agent did not start in 20 s:\n${log}`)), 20_000);
      const check = (): void => {
        if (!/serving on unix:/.test(log)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout.on('data', check);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the agent exited with ${code}:\n${log}`));
      });
    });
  } catch (error) {
    teardown();
    throw error;
  }
  const exited = new Promise<void>((resolve) => {
    if (!agent || agent.exitCode !== null) resolve();
    else agent.once('exit', () => resolve());
  });
  return {
    home,
    agentLog: () => log,
    request: (method, path) => agentRequest(home, method, path),
    stop: async () => {
      if (agent && agent.exitCode === null && agent.signalCode === null) {
        agent.kill('SIGTERM');
        await exited;
      }
      teardown();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', teardown);
    },
  };
}
