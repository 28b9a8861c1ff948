import * as fs from 'node:fs';
import * as path from 'node:path';
import { shoalHome } from '../util/home';
import { isAlive, signal, waitForExit } from '../util/process';
import { cgroupDirs, daemonPid, nodeProcesses, startDaemon, stopDaemon, waitForDaemon } from './daemon';
import { buildWebRootfs, importImage, SANDBOX_IMAGES } from './images';
import { defaultSubnetOctet, layoutFor, MAX_NODES, type NodeLayout, type SandboxLayout } from './layout';
import { createNetwork, findNetworkLeftovers, removeNetwork, usedSubnetOctets } from './network';
import { checkPrerequisites } from './prerequisites';
import { readState, removeState, writeState, type SandboxState } from './state';

/** A node as `status --json` prints it; `endpoint` is what dockerode (and `docker -H`) takes. */
export interface SandboxNodeStatus {
  name: string;
  endpoint: string;
  address: string;
  tcpEndpoint?: string;
  running: boolean;
}

export interface SandboxStatus {
  up: boolean;
  nodes: SandboxNodeStatus[];
}

export class SandboxAlreadyUpError extends Error {}

export function sandboxDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(shoalHome(env), 'sandbox');
}

export interface UpOptions {
  nodes: number;
  tcp: boolean;
  dir?: string;
  log?: (line: string) => void;
}

export interface UpResult {
  state: SandboxState;
  timings: { networkMs: number; daemonsMs: number; imagesMs: number; totalMs: number };
}

/**
 * Brings the sandbox up: network, one dockerd per node, images. If any step fails, everything
 * already created is taken down again before the error is raised.
 */
export async function up(options: UpOptions): Promise<UpResult> {
  const dir = options.dir ?? sandboxDir();
  const log = options.log ?? (() => undefined);
  if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > MAX_NODES) {
    throw new Error(`--nodes must be a whole number from 1 to ${MAX_NODES}, got ${String(options.nodes)}`);
  }
  const existing = readState(dir);
  if (existing) {
    const live = existing.layout.nodes.filter((n) => daemonPid(n, existing.pids?.[n.name]) !== undefined);
    throw new SandboxAlreadyUpError(
      `a sandbox is already up in ${dir} (${existing.layout.nodes.length} nodes, ${live.length} running); ` +
        `use "shoal sandbox status" to see it or "shoal sandbox down" first`,
    );
  }
  await checkPrerequisites();

  const started = Date.now();
  const layout = layoutFor(dir, options.nodes, await freeSubnetOctet(dir));
  const state: SandboxState = {
    version: 1,
    layout,
    tcp: options.tcp,
    phase: 'starting',
    startedAt: new Date().toISOString(),
    pids: {},
  };
  // Recorded before anything is created, so `down` can undo a half-done `up`.
  writeState(dir, state);
  try {
    await createNetwork(layout);
    const networkDone = Date.now();
    log(`network ${layout.bridge} ${layout.bridgeAddress}/24 ready`);

    const tarPromise = buildWebRootfs(path.join(dir, 'images'));
    for (const node of layout.nodes) {
      fs.rmSync(path.join(node.dir, 'dockerd.pid'), { force: true });
      state.pids[node.name] = await startDaemon(node, options.tcp);
    }
    writeState(dir, state);
    await Promise.all(layout.nodes.map((n) => waitForDaemon(n, state.pids[n.name] ?? 0, options.tcp)));
    const daemonsDone = Date.now();
    log(`${layout.nodes.length} dockerd answering`);

    const tar = await tarPromise;
    await Promise.all(
      layout.nodes.flatMap((n) => SANDBOX_IMAGES.map(({ image, cmd }) => importImage(n, tar, image, cmd))),
    );
    const imagesDone = Date.now();
    state.phase = 'up';
    writeState(dir, state);
    return {
      state,
      timings: {
        networkMs: networkDone - started,
        daemonsMs: daemonsDone - networkDone,
        imagesMs: imagesDone - daemonsDone,
        totalMs: imagesDone - started,
      },
    };
  } catch (error) {
    log(`bringing the sandbox up failed; taking down what was started`);
    await teardown(state);
    removeState(dir);
    throw error;
  }
}

/** A free 10.231.x.0/24, starting from this sandbox's own default. */
async function freeSubnetOctet(dir: string): Promise<number> {
  const used = await usedSubnetOctets();
  const first = defaultSubnetOctet(layoutFor(dir, 0).instance);
  for (let i = 0; i < 250; i++) {
    const octet = ((first - 1 + i) % 250) + 1;
    if (!used.has(octet)) return octet;
  }
  throw new Error('no free 10.231.x.0/24 subnet left for the sandbox bridge');
}

export function status(dir = sandboxDir()): SandboxStatus {
  const state = readState(dir);
  if (!state) return { up: false, nodes: [] };
  const nodes = state.layout.nodes.map((n) => nodeStatus(n, state));
  return { up: state.phase === 'up' && nodes.every((n) => n.running), nodes };
}

function nodeStatus(node: NodeLayout, state: SandboxState): SandboxNodeStatus {
  const result: SandboxNodeStatus = {
    name: node.name,
    endpoint: `unix://${node.socket}`,
    address: node.address,
    running: daemonPid(node, state.pids?.[node.name]) !== undefined,
  };
  if (state.tcp) result.tcpEndpoint = `tcp://${node.address}:${node.tcpPort}`;
  return result;
}

/** Takes the sandbox down. Safe to run twice, and after a crashed or half-done `up`. */
export async function down(dir = sandboxDir()): Promise<{ wasUp: boolean; ms: number }> {
  const started = Date.now();
  const state = readState(dir);
  if (!state) return { wasUp: false, ms: 0 };
  await teardown(state);
  const left = await leftovers(state.layout);
  if (left.length > 0) throw new Error(`sandbox down left things behind:\n  - ${left.join('\n  - ')}`);
  removeState(dir);
  return { wasUp: true, ms: Date.now() - started };
}

/**
 * Stops one node's dockerd (SIGTERM, as a host shutdown would) and leaves its containers and data in place,
 * so that a later {@link startNode} brings the same engine back. For fault tests: "a node dies".
 */
export async function stopNode(name: string, dir = sandboxDir()): Promise<void> {
  const { state, node } = findNode(dir, name);
  const pid = daemonPid(node, state.pids[node.name]);
  if (pid === undefined) return;
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, 30_000))) signal(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

/** Starts a node stopped by {@link stopNode} again and waits until it answers. */
export async function startNode(name: string, dir = sandboxDir()): Promise<void> {
  const { state, node } = findNode(dir, name);
  if (daemonPid(node, state.pids[node.name]) !== undefined) return;
  fs.rmSync(path.join(node.dir, 'dockerd.pid'), { force: true });
  state.pids[node.name] = await startDaemon(node, state.tcp);
  writeState(dir, state);
  await waitForDaemon(node, state.pids[node.name] ?? 0, state.tcp);
}

function findNode(dir: string, name: string): { state: SandboxState; node: NodeLayout } {
  const state = readState(dir);
  if (!state) throw new Error(`no sandbox is up in ${dir}`);
  const node = state.layout.nodes.find((n) => n.name === name);
  if (!node) {
    throw new Error(
      `the sandbox has no node "${name}"; it has ${state.layout.nodes.map((n) => n.name).join(', ')}`,
    );
  }
  return { state, node };
}

async function teardown(state: SandboxState): Promise<void> {
  await Promise.all(state.layout.nodes.map((n) => stopDaemon(n, state.pids?.[n.name])));
  await removeNetwork(state.layout);
}

/** Everything of this sandbox still present on the host; empty means clean. */
export async function leftovers(layout: SandboxLayout): Promise<string[]> {
  const found: string[] = [];
  const net = await findNetworkLeftovers(layout);
  for (const ns of net.namespaces) found.push(`network namespace ${ns}`);
  for (const link of net.links) found.push(`network link ${link}`);
  if (net.forwardRule) found.push(`iptables FORWARD rule "${layout.ruleComment}"`);
  for (const node of layout.nodes) {
    const pid = daemonPid(node, undefined);
    if (pid !== undefined && isAlive(pid)) found.push(`dockerd of ${node.name} (pid ${pid})`);
    for (const p of await nodeProcesses(node)) found.push(`process ${p} of ${node.name}`);
    for (const d of cgroupDirs(node)) found.push(`cgroup ${d}`);
  }
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  for (const line of mounts.split('\n')) {
    const mountPoint = line.split(' ')[4];
    if (mountPoint && mountPoint.startsWith(layout.dir + '/')) found.push(`mount ${mountPoint}`);
  }
  for (const p of processesMentioning(layout.dir)) found.push(`process ${p.pid}: ${p.command}`);
  return found;
}

/** Processes whose command line names the sandbox directory (dockerd, containerd, shims). */
function processesMentioning(dir: string): Array<{ pid: number; command: string }> {
  const out: Array<{ pid: number; command: string }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (cmd.includes(dir + '/') && isAlive(pid)) out.push({ pid, command: cmd.slice(0, 200) });
  }
  return out;
}
