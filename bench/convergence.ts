/**
 * Service convergence on real engines, Shoal side by side with Docker Swarm mode in the same run.
 *
 * Brings up its own 3-node sandbox (a temporary SHOAL_HOME), then per round, in alternating order:
 *   - the physical floor: sequential create+start of shoal/web containers through the Engine API, on one node
 *     and on all three at once (testbed.md §3);
 *   - Swarm mode on the same three engines (init on node1, join node2/3) and Shoal's agent (adopting them),
 *     each driven by the stock docker CLI with identical flags: create 30 replicas, scale to 60, rolling
 *     update with parallelism 5; every step timed from the CLI call until `GET /services?status=true`
 *     (and `UpdateStatus.State` for the update) says it converged, polled the same way for both.
 * Figures are medians over the rounds. Targets: Shoal <= 0.9x Swarm mode's time for each step, and Shoal's
 * create rate >= 85 % of the 3-node floor. The sandbox always comes down again (also on SIGINT).
 *   node --import tsx bench/convergence.ts
 * SHOAL_BENCH_ROUNDS (default 3) sets the rounds; SHOAL_BENCH_LOGS=DIR keeps the agent's logs there;
 * SHOAL_BENCH_AGENT_NODE_ARGS adds node options to the agent's command line (e.g. --cpu-prof).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHOAL = path.join(ROOT, 'bin', 'shoal.js');
const IMAGE = 'shoal/web:latest';
const SERVICE = 'convergence-web';
const REPLICAS = 30;
const SCALED = 60;
const PARALLELISM = 5;
/** The same for both; swarmkit keeps watching the last batch this long before it declares `completed`. */
const MONITOR = '1s';
/** Containers per node for the floor (sequential create+start). */
const FLOOR_PER_NODE = 20;
const POLL_MS = 100;
const STEP_DEADLINE_MS = 180_000;
const TARGET_RATIO = 0.9;
const TARGET_FLOOR_SHARE = 0.85;

interface SandboxNode {
  name: string;
  endpoint: string;
  address: string;
  socket: string;
}

type Step = 'create' | 'scale' | 'update' | 'remove';
const STEPS: Step[] = ['create', 'scale', 'update', 'remove'];
const STEP_LABEL: Record<Step, string> = {
  create: `create ${REPLICAS} replicas`,
  scale: `scale ${REPLICAS} -> ${SCALED}`,
  update: `rolling update (parallelism ${PARALLELISM})`,
  remove: 'service rm, containers gone',
};
type Times = Record<Step, number>;

interface Floor {
  oneNode: number;
  threeNodes: number;
}

// ---------------------------------------------------------------------------------------------------------
// Processes, the Engine API and the docker CLI

function exec(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 120_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

interface Reply {
  status: number;
  body: string;
}

/** One Engine API call over a unix socket, on a fresh connection (the same for every target). */
function api(
  socketPath: string,
  method: string,
  urlPath: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath,
        path: urlPath,
        method,
        agent: false,
        timeout: timeoutMs,
        headers: payload
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function apiJson<T>(socketPath: string, method: string, urlPath: string, body?: unknown): Promise<T> {
  const reply = await api(socketPath, method, urlPath, body);
  if (reply.status >= 300) throw new Error(`${method} ${urlPath}: ${reply.status} ${reply.body.trim()}`);
  return (reply.body === '' ? undefined : JSON.parse(reply.body)) as T;
}

function docker(socketPath: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${socketPath}` };
  delete env.DOCKER_CONTEXT;
  return exec('docker', args, env);
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  deadlineMs = STEP_DEADLINE_MS,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(POLL_MS);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

// ---------------------------------------------------------------------------------------------------------
// The engines: containers, networks

interface ContainerSummary {
  Id: string;
}

async function containersOn(node: SandboxNode): Promise<ContainerSummary[]> {
  return apiJson<ContainerSummary[]>(node.socket, 'GET', '/containers/json?all=1');
}

async function removeAllContainers(node: SandboxNode): Promise<void> {
  const queue = (await containersOn(node)).map((c) => c.Id);
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await api(node.socket, 'DELETE', `/containers/${id}?force=1&v=1`).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function waitNoContainers(nodes: SandboxNode[]): Promise<void> {
  await waitUntil('the engines to have no containers left', async () => {
    const counts = await Promise.all(nodes.map(async (n) => (await containersOn(n)).length));
    return counts.every((c) => c === 0) ? true : undefined;
  });
}

async function networkNames(node: SandboxNode): Promise<string[]> {
  const networks = await apiJson<Array<{ Name: string }>>(node.socket, 'GET', '/networks');
  return networks.map((n) => n.Name).sort();
}

/** Fails if a node has containers, or networks beyond the ones it started with. */
async function assertClean(
  nodes: SandboxNode[],
  baseline: Map<string, string[]>,
  after: string,
): Promise<void> {
  for (const node of nodes) {
    const containers = await containersOn(node);
    const extra = (await networkNames(node)).filter((n) => !(baseline.get(node.name) ?? []).includes(n));
    if (containers.length > 0 || extra.length > 0) {
      throw new Error(
        `after ${after}, ${node.name} still has ${containers.length} container(s) and networks [${extra.join(', ')}]`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The floor: sequential create+start through the Engine API

async function createAndStart(node: SandboxNode, name: string): Promise<void> {
  const { Id } = await apiJson<{ Id: string }>(node.socket, 'POST', `/containers/create?name=${name}`, {
    Image: IMAGE,
  });
  await apiJson(node.socket, 'POST', `/containers/${Id}/start`);
}

/** Containers per second, each node creating and starting FLOOR_PER_NODE containers one after another. */
async function floorRate(nodes: SandboxNode[]): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    nodes.map(async (node) => {
      for (let i = 0; i < FLOOR_PER_NODE; i++) await createAndStart(node, `floor-${node.name}-${i}`);
    }),
  );
  const rate = (nodes.length * FLOOR_PER_NODE) / seconds(started);
  await Promise.all(nodes.map(removeAllContainers));
  await waitNoContainers(nodes);
  return rate;
}

async function measureFloor(nodes: SandboxNode[]): Promise<Floor> {
  const first = nodes[0];
  if (!first) throw new Error('no sandbox nodes');
  const oneNode = await floorRate([first]);
  const threeNodes = await floorRate(nodes);
  return { oneNode, threeNodes };
}

// ---------------------------------------------------------------------------------------------------------
// The scenario, identical for both orchestrators

interface ServiceWithStatus {
  Spec: { Name: string };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number };
  UpdateStatus?: { State?: string; Message?: string };
}

async function serviceStatus(socket: string): Promise<ServiceWithStatus | undefined> {
  const filters = encodeURIComponent(JSON.stringify({ name: [SERVICE] }));
  const list = await apiJson<ServiceWithStatus[]>(socket, 'GET', `/services?status=true&filters=${filters}`);
  return list.find((s) => s.Spec.Name === SERVICE);
}

async function waitRunning(socket: string, count: number): Promise<void> {
  await waitUntil(`${count} running tasks`, async () => {
    const s = await serviceStatus(socket);
    const st = s?.ServiceStatus;
    return st && st.DesiredTasks === count && st.RunningTasks === count ? true : undefined;
  });
}

async function waitUpdated(socket: string): Promise<void> {
  await waitUntil('the update to complete', async () => {
    const s = await serviceStatus(socket);
    const state = s?.UpdateStatus?.State;
    if (state === 'paused' || state === 'rollback_started' || state === 'rollback_completed') {
      throw new Error(`update ${state}: ${s?.UpdateStatus?.Message ?? ''}`);
    }
    return state === 'completed' && s?.ServiceStatus?.RunningTasks === SCALED ? true : undefined;
  });
}

interface TaskView {
  DesiredState: string;
  Status: { State: string };
  Spec: { ContainerSpec?: { Env?: string[] } };
}

/** Every running task carries the update's variable. Not timed. */
async function checkUpdated(socket: string): Promise<void> {
  const filters = encodeURIComponent(JSON.stringify({ service: [SERVICE], 'desired-state': ['running'] }));
  const tasks = await apiJson<TaskView[]>(socket, 'GET', `/tasks?filters=${filters}`);
  const updated = tasks.filter(
    (t) => t.Status.State === 'running' && (t.Spec.ContainerSpec?.Env ?? []).includes('X=1'),
  );
  if (updated.length !== SCALED) {
    throw new Error(
      `after the update ${updated.length}/${SCALED} running tasks have X=1 (of ${tasks.length} listed)`,
    );
  }
}

/**
 * The three steps plus removal, against `socket` (the agent's, or the swarm manager's). `stepDone` is called
 * as each step converged (Shoal's rounds read the agent's CPU time there).
 */
async function scenario(
  socket: string,
  nodes: SandboxNode[],
  stepDone: (step: Step) => void = () => undefined,
): Promise<Times> {
  let started = process.hrtime.bigint();
  await docker(socket, [
    'service',
    'create',
    '-d',
    '--no-resolve-image',
    '--name',
    SERVICE,
    '--replicas',
    String(REPLICAS),
    '--stop-grace-period',
    '1s',
    IMAGE,
  ]);
  await waitRunning(socket, REPLICAS);
  const create = seconds(started);
  stepDone('create');

  started = process.hrtime.bigint();
  await docker(socket, ['service', 'scale', '-d', `${SERVICE}=${SCALED}`]);
  await waitRunning(socket, SCALED);
  const scale = seconds(started);
  stepDone('scale');

  started = process.hrtime.bigint();
  await docker(socket, [
    'service',
    'update',
    '-d',
    '--env-add',
    'X=1',
    '--update-parallelism',
    String(PARALLELISM),
    '--update-monitor',
    MONITOR,
    SERVICE,
  ]);
  await waitUpdated(socket);
  const update = seconds(started);
  stepDone('update');
  await checkUpdated(socket);

  started = process.hrtime.bigint();
  await docker(socket, ['service', 'rm', SERVICE]);
  await waitNoContainers(nodes);
  const remove = seconds(started);
  stepDone('remove');
  return { create, scale, update, remove };
}

// ---------------------------------------------------------------------------------------------------------
// Swarm mode

async function swarmRound(nodes: SandboxNode[]): Promise<Times> {
  const [manager, ...workers] = nodes;
  if (!manager) throw new Error('no sandbox nodes');
  try {
    await docker(manager.socket, [
      'swarm',
      'init',
      '--advertise-addr',
      manager.address,
      '--listen-addr',
      `${manager.address}:2377`,
    ]);
    const token = (await docker(manager.socket, ['swarm', 'join-token', '-q', 'worker'])).trim();
    await Promise.all(
      workers.map((w) =>
        docker(w.socket, [
          'swarm',
          'join',
          '--token',
          token,
          '--advertise-addr',
          w.address,
          `${manager.address}:2377`,
        ]),
      ),
    );
    await waitUntil('all swarm nodes ready', async () => {
      const list = await apiJson<Array<{ Status: { State: string } }>>(manager.socket, 'GET', '/nodes');
      return list.length === nodes.length && list.every((n) => n.Status.State === 'ready') ? true : undefined;
    });
    return await scenario(manager.socket, nodes);
  } finally {
    await leaveSwarm(nodes);
  }
}

async function leaveSwarm(nodes: SandboxNode[]): Promise<void> {
  const [manager, ...workers] = nodes;
  if (manager) {
    await docker(manager.socket, ['service', 'rm', SERVICE]).catch(() => undefined);
    await waitNoContainers(nodes).catch(() => undefined);
  }
  for (const node of [...workers, ...(manager ? [manager] : [])]) {
    await docker(node.socket, ['swarm', 'leave', '--force']).catch(() => undefined);
  }
  // Joining creates docker_gwbridge on every node, and leaving keeps it: remove it so Shoal's runs see the
  // engines as they were.
  for (const node of nodes) {
    await removeAllContainers(node).catch(() => undefined);
    await api(node.socket, 'DELETE', '/networks/docker_gwbridge').catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Shoal

interface RunningAgent {
  child: ChildProcess;
  socket: string;
  logFile: string;
}

async function startAgent(home: string, logFile: string, nodeCount: number): Promise<RunningAgent> {
  const socket = path.join(home, 'agent.sock');
  const log = fs.openSync(logFile, 'a');
  // E.g. SHOAL_BENCH_AGENT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the agent.
  const nodeArgs = (process.env.SHOAL_BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, SHOAL, 'agent'], {
    env: { ...process.env, SHOAL_HOME: home },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const agent = { child, socket, logFile };
  try {
    await waitUntil(
      "the agent's nodes to be ready",
      async () => {
        if (child.exitCode !== null) throw new Error(`the agent exited (${child.exitCode}); see ${logFile}`);
        const list = await apiJson<Array<{ Status: { State: string } }>>(socket, 'GET', '/nodes');
        return list.length === nodeCount && list.every((n) => n.Status.State === 'ready') ? true : undefined;
      },
      60_000,
    );
  } catch (error) {
    await stopAgent(agent);
    throw error;
  }
  return agent;
}

async function stopAgent(agent: RunningAgent): Promise<void> {
  const { child } = agent;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** CPU seconds (user + system) the process has used, from /proc; NaN where that is not available. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'); utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Linux's USER_HZ, which /proc/<pid>/stat counts in. */
const CLOCK_TICKS = 100;

interface ShoalRun {
  times: Times;
  /** The agent's CPU seconds in each step. */
  cpu: Times;
}

/** A fresh agent each round (its store removed before), like a fresh `swarm init`. */
async function shoalRound(
  home: string,
  nodes: SandboxNode[],
  round: number,
  track: (a?: RunningAgent) => void,
): Promise<ShoalRun> {
  for (const file of fs.readdirSync(home)) {
    if (file.startsWith('state.db')) fs.rmSync(path.join(home, file), { force: true });
  }
  const agent = await startAgent(home, path.join(home, `agent-${round}.log`), nodes.length);
  track(agent);
  const cpu: Times = { create: NaN, scale: NaN, update: NaN, remove: NaN };
  let before = cpuSeconds(agent.child.pid);
  try {
    const times = await scenario(agent.socket, nodes, (step) => {
      const now = cpuSeconds(agent.child.pid);
      cpu[step] = now - before;
      before = now;
    });
    return { times, cpu };
  } finally {
    await api(agent.socket, 'DELETE', `/services/${SERVICE}`).catch(() => undefined);
    await waitNoContainers(nodes).catch(() => undefined);
    await stopAgent(agent);
    track(undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The sandbox

async function shoal(home: string, args: string[]): Promise<string> {
  return exec(process.execPath, [SHOAL, ...args], { ...process.env, SHOAL_HOME: home });
}

async function sandboxUp(home: string): Promise<SandboxNode[]> {
  // Swarm mode needs no --tcp: init/join go over each node's unix socket, and the managers and workers reach
  // each other on the nodes' bridge addresses (2377, 7946, 4789), which exist either way.
  await shoal(home, ['sandbox', 'up', '--nodes', '3']);
  const status = JSON.parse(await shoal(home, ['sandbox', 'status', '--json'])) as {
    nodes: Array<{ name: string; endpoint: string; address: string }>;
  };
  return status.nodes.map((n) => ({ ...n, socket: n.endpoint.replace(/^unix:\/\//, '') }));
}

// ---------------------------------------------------------------------------------------------------------
// Report

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

function fmt(value: number, digits = 2): string {
  return value.toFixed(digits);
}

function report(floors: Floor[], shoalCpu: Times[], shoalRuns: Times[], swarmRuns: Times[]): void {
  const floor: Floor = {
    oneNode: median(floors.map((f) => f.oneNode)),
    threeNodes: median(floors.map((f) => f.threeNodes)),
  };
  console.log(
    `floor (sequential create+start, ${FLOOR_PER_NODE} per node): one node ${fmt(floor.oneNode, 1)}/s, ` +
      `three nodes at once ${fmt(floor.threeNodes, 1)}/s aggregate ` +
      `[rounds: ${floors.map((f) => `${fmt(f.oneNode, 1)}/${fmt(f.threeNodes, 1)}`).join(', ')}]`,
  );
  console.log(
    `${'step'.padEnd(32)} ${'Shoal s'.padStart(8)} ${'Swarm s'.padStart(8)} ${'Shoal/Swarm'.padStart(12)}  target`,
  );
  const failures: string[] = [];
  for (const step of STEPS) {
    const ours = median(shoalRuns.map((t) => t[step]));
    const theirs = median(swarmRuns.map((t) => t[step]));
    const ratio = ours / theirs;
    const targeted = step !== 'remove';
    const verdict = targeted
      ? `<= ${TARGET_RATIO}x ${ratio <= TARGET_RATIO ? 'PASS' : 'MISS'}`
      : '(not a target)';
    if (targeted && ratio > TARGET_RATIO) failures.push(`${step} ${fmt(ratio)}x`);
    console.log(
      `${STEP_LABEL[step].padEnd(32)} ${fmt(ours).padStart(8)} ${fmt(theirs).padStart(8)} ${`${fmt(ratio)}x`.padStart(12)}  ${verdict}`,
    );
    console.log(
      `${''.padEnd(32)}   runs: Shoal ${shoalRuns.map((t) => fmt(t[step])).join(' ')}; ` +
        `Swarm ${swarmRuns.map((t) => fmt(t[step])).join(' ')}`,
    );
  }
  console.log(
    `Shoal agent CPU s per step (median [runs]): ` +
      STEPS.map(
        (step) =>
          `${step} ${fmt(median(shoalCpu.map((c) => c[step])))} [${shoalCpu.map((c) => fmt(c[step])).join(' ')}]`,
      ).join(', '),
  );
  const shoalRate = REPLICAS / median(shoalRuns.map((t) => t.create));
  const swarmRate = REPLICAS / median(swarmRuns.map((t) => t.create));
  const share = shoalRate / floor.threeNodes;
  if (share < TARGET_FLOOR_SHARE) failures.push(`create at ${Math.round(share * 100)} % of the floor`);
  console.log(
    `create rate vs three-node floor: Shoal ${fmt(shoalRate, 1)}/s = ${Math.round(share * 100)} % ` +
      `(target >= ${TARGET_FLOOR_SHARE * 100} % ${share >= TARGET_FLOOR_SHARE ? 'PASS' : 'MISS'}); ` +
      `Swarm ${fmt(swarmRate, 1)}/s = ${Math.round((swarmRate / floor.threeNodes) * 100)} %`,
  );
  console.log(
    failures.length === 0
      ? 'convergence: targets met'
      : `convergence: TARGETS MISSED: ${failures.join('; ')} (shared machine: see the per-run spread)`,
  );
}

// ---------------------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const rounds = Math.max(1, Number(process.env.SHOAL_BENCH_ROUNDS ?? 3) || 3);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'shoal.js'))) {
    console.log('convergence: building dist/shoal.js');
    await exec('npm', ['run', 'build'], process.env, 300_000);
  }
  // Short: containerd's socket path under the sandbox must stay below the unix socket limit.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-conv-'));
  let agent: RunningAgent | undefined;
  let sandboxStarted = false;
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      if (agent) await stopAgent(agent).catch(() => undefined);
      const logs = process.env.SHOAL_BENCH_LOGS;
      if (logs) {
        fs.mkdirSync(logs, { recursive: true });
        for (const f of fs.readdirSync(home).filter((f) => f.endsWith('.log'))) {
          fs.copyFileSync(path.join(home, f), path.join(logs, f));
        }
      }
      if (sandboxStarted) {
        await shoal(home, ['sandbox', 'down']).catch((error: unknown) =>
          console.error(`convergence: sandbox down failed: ${String(error)}`),
        );
      }
      fs.rmSync(home, { recursive: true, force: true });
    })());
  const onSignal = (): void => {
    console.error('convergence: interrupted; taking the sandbox down');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  console.log(
    `convergence: Shoal vs Docker Swarm mode on a 3-node sandbox, docker CLI, ${rounds} round(s), ` +
      `alternating order; medians`,
  );
  const loadAtStart = loadAverage();
  try {
    const upStarted = process.hrtime.bigint();
    sandboxStarted = true;
    const nodes = await sandboxUp(home);
    console.log(
      `  sandbox up in ${fmt(seconds(upStarted))} s: ${nodes.map((n) => `${n.name} ${n.address}`).join(', ')}`,
    );
    const baseline = new Map<string, string[]>();
    for (const node of nodes) baseline.set(node.name, await networkNames(node));

    const floors: Floor[] = [];
    const shoalRuns: Times[] = [];
    const shoalCpu: Times[] = [];
    const swarmRuns: Times[] = [];
    for (let round = 1; round <= rounds; round++) {
      const floor = await measureFloor(nodes);
      floors.push(floor);
      console.log(
        `  round ${round}: floor ${fmt(floor.oneNode, 1)}/s one node, ${fmt(floor.threeNodes, 1)}/s three nodes`,
      );
      const order = round % 2 === 1 ? (['swarm', 'shoal'] as const) : (['shoal', 'swarm'] as const);
      for (const which of order) {
        let times: Times;
        let cpu = '';
        if (which === 'swarm') {
          times = await swarmRound(nodes);
          swarmRuns.push(times);
        } else {
          const run = await shoalRound(home, nodes, round, (a) => (agent = a));
          times = run.times;
          shoalRuns.push(times);
          shoalCpu.push(run.cpu);
          cpu = `; agent CPU ${STEPS.map((s) => `${s} ${fmt(run.cpu[s])} s`).join(', ')}`;
        }
        await assertClean(nodes, baseline, `${which} round ${round}`);
        console.log(
          `  round ${round}: ${which.padEnd(5)} ${STEPS.map((s) => `${s} ${fmt(times[s])} s`).join(', ')}${cpu}`,
        );
      }
    }
    report(floors, shoalCpu, shoalRuns, swarmRuns);
    console.log(
      `  load average ${loadAtStart} at the start, ${loadAverage()} at the end ` +
        `(${os.cpus().length} CPUs; other work on the machine makes every figure noisy)`,
    );
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
