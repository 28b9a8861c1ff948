/**
 * Idle CPU: what the agent and the extension's side of the connection cost while nothing changes in the cluster.
 *
 * Brings up its own 3-node sandbox (a temporary SHOAL_HOME, as root) and an agent that adopts it, plus a client
 * process running the extension's own connection and model code (extension/agent/connection.ts,
 * extension/model/cluster-model.ts, the views' debouncer; no VS Code; bundled like the extension) subscribed to
 * every event. After SHOAL_BENCH_IDLE_SETTLE_SECONDS (default 20: V8 keeps compiling and collecting garbage for
 * a while after start-up) it measures, over SHOAL_BENCH_IDLE_SECONDS (default 10) with no change in the cluster, each
 * process's CPU time (all threads, from /proc/PID/task/TID/schedstat) and wakeups (voluntary context switches),
 * against an idle dockerd of the same sandbox in the same window as the reference. No assertion: figures only.
 * By design the agent keeps one heartbeat per engine (every 5 s, as swarmkit), a relist every 30 s and a
 * WebSocket ping every 30 s; the extension arms timers only after a change (debounce) or while reconnecting.
 *   node --import tsx bench/idle.ts        (also part of `npm run bench`)
 */
import { build } from 'esbuild';
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHOAL = path.join(ROOT, 'bin', 'shoal.js');
/** Between start-up (JIT, the first GCs, the adoption's relist) and the window. */
const SETTLE_MS = Number(process.env.SHOAL_BENCH_IDLE_SETTLE_SECONDS ?? 20) * 1000;

/** CPU time (ns) and wakeups of every thread of a process, as far as they can be read. */
interface Usage {
  cpuNs: number;
  wakeups: number;
}

function usage(pid: number): Usage {
  let cpuNs = 0;
  let wakeups = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      cpuNs += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const status = fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      wakeups += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // the thread ended meanwhile
    }
  }
  return { cpuNs, wakeups };
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Waits until `output()` matches, the process exits, or the time is up. */
async function waitForOutput(child: ChildProcess, output: () => string, pattern: RegExp, what: string) {
  const deadline = Date.now() + 30_000;
  while (!pattern.test(output())) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start within 30 s:\n${output()}`);
    await sleep(50);
  }
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Asks the client process how many events and model changes it saw so far. */
function clientCounts(
  client: ChildProcess,
): Promise<{ events: number; changes: number; connected: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the client did not answer')), 5000);
    client.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as { events: number; changes: number; connected: boolean });
    });
    client.send('counts');
  });
}

function fmt(value: number, digits = 1): string {
  return value.toFixed(digits);
}

export async function run(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('idle: skipped (needs root for the sandbox)');
    return;
  }
  const seconds = Math.max(1, Number(process.env.SHOAL_BENCH_IDLE_SECONDS ?? 10) || 10);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'shoal.js'))) await exec('npm', ['run', 'build'], process.env);
  // Short: unix socket paths under it must stay below 108 bytes.
  const home = fs.mkdtempSync('/tmp/shoal-idle-');
  const env = { ...process.env, SHOAL_HOME: home };
  let sandbox = false;
  let agent: ChildProcess | undefined;
  let client: ChildProcess | undefined;
  let idleNode: ChildProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await stop(client);
      await stop(idleNode);
      await stop(agent);
      if (sandbox) await exec(process.execPath, [SHOAL, 'sandbox', 'down'], env).catch(() => undefined);
      fs.rmSync(home, { recursive: true, force: true });
    })());
  const onSignal = (): void => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    sandbox = true;
    await exec(process.execPath, [SHOAL, 'sandbox', 'up', '--nodes', '3'], env);
    let agentOutput = '';
    agent = spawn(process.execPath, [SHOAL, 'agent'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.on('data', (d: Buffer) => (agentOutput += d.toString()));
    agent.stderr?.on('data', (d: Buffer) => (agentOutput += d.toString()));
    await waitForOutput(agent, () => agentOutput, /serving on unix:/, 'the agent');

    // Bundled and run by plain node, as the extension is (a TypeScript loader would add its own work).
    const clientBundle = path.join(home, 'idle-client.js');
    await build({
      entryPoints: [path.join(ROOT, 'bench', 'idle-client.ts')],
      outfile: clientBundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'warning',
    });
    let clientOutput = '';
    client = fork(clientBundle, [path.join(home, 'agent.sock')], {
      execArgv: [],
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    client.stdout?.on('data', (d: Buffer) => (clientOutput += d.toString()));
    client.stderr?.on('data', (d: Buffer) => (clientOutput += d.toString()));
    await waitForOutput(client, () => clientOutput, /connected/, 'the extension client');

    // A second reference: a Node.js process that only waits (its runtime's own background work).
    idleNode = spawn(process.execPath, ['-e', 'setInterval(() => {}, 2 ** 30)'], { stdio: 'ignore' });
    const dockerds = [1, 2, 3].map((i) =>
      Number(fs.readFileSync(path.join(home, 'sandbox', 'nodes', `n${i}`, 'dockerd.pid'), 'utf8').trim()),
    );
    await sleep(SETTLE_MS);
    const pids = { agent: agent.pid ?? 0, client: client.pid ?? 0, node: idleNode.pid ?? 0 };
    const sample = () => ({
      agent: usage(pids.agent),
      client: usage(pids.client),
      node: usage(pids.node),
      dockerds: dockerds.map(usage),
    });
    const before = sample();
    const countsBefore = await clientCounts(client);
    const started = process.hrtime.bigint();
    await sleep(seconds * 1000);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const countsAfter = await clientCounts(client);
    const after = sample();

    const delta = (a: Usage, b: Usage): Usage => ({
      cpuNs: b.cpuNs - a.cpuNs,
      wakeups: b.wakeups - a.wakeups,
    });
    const agentUse = delta(before.agent, after.agent);
    const clientUse = delta(before.client, after.client);
    const nodeUse = delta(before.node, after.node);
    const dockerdUses = after.dockerds.map((u, i) => delta(before.dockerds[i] ?? u, u));
    const reference: Usage = {
      cpuNs: dockerdUses.reduce((sum, u) => sum + u.cpuNs, 0) / dockerdUses.length,
      wakeups: dockerdUses.reduce((sum, u) => sum + u.wakeups, 0) / dockerdUses.length,
    };
    const line = (name: string, u: Usage, ratio: boolean): string =>
      `  ${name.padEnd(34)} ${fmt(u.cpuNs / 1e6).padStart(7)} ms CPU (${fmt((u.cpuNs / 1e9 / elapsed) * 100, 2)} % of a core), ` +
      `${fmt(u.wakeups / elapsed).padStart(5)} wakeups/s` +
      (ratio ? `  = ${fmt(u.cpuNs / Math.max(reference.cpuNs, 1), 2)}x an idle dockerd` : '');
    console.log(
      `idle: ${fmt(elapsed)} s with no change in a 3-node sandbox; reference: an idle dockerd of the same sandbox, same window`,
    );
    console.log(line('agent (3 engines, 1 client)', agentUse, true));
    console.log(line('extension connection + model', clientUse, true));
    console.log(line('idle dockerd (mean of 3)', reference, false));
    console.log(line('a Node.js process that only waits', nodeUse, true));
    console.log(
      `  events to the extension in the window: ${countsAfter.events - countsBefore.events}, ` +
        `model changes: ${countsAfter.changes - countsBefore.changes} (still connected: ${countsAfter.connected})`,
    );
    console.log(
      '  by design: the agent heartbeats each engine every 5 s (as swarmkit) and relists / pings clients every 30 s; ' +
        'the extension arms no timer unless something changed (debounce) or it is reconnecting',
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
