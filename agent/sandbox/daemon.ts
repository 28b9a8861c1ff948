import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { run } from '../util/exec';
import { waitForEngine } from '../util/ping';
import { commandLine, isAlive, signal, waitForExit } from '../util/process';
import type { NodeLayout } from './layout';

/*
 * How a node's dockerd is started (facts in shared/reference/testbed.md):
 *   unshare --mount --uts  gives it a private mount table and its own hostname;
 *   `ip netns exec` remounts /sys for the namespace, which hides /sys/fs/cgroup, so the cgroup tree is
 *   rbind-mounted aside first and put back inside; without it dockerd fails with "Devices cgroup isn't mounted";
 *   TMPDIR per node keeps containerd's crash dumps in the node's folder.
 * Every step execs the next, so the PID we spawn is dockerd's own.
 */
const STAGE1 = `set -e
hostname "$SHOAL_HOSTNAME"
mkdir -p "$SHOAL_CGROUP_ASIDE"
mount --rbind /sys/fs/cgroup "$SHOAL_CGROUP_ASIDE"
exec ip netns exec "$SHOAL_NETNS" sh -c "$SHOAL_STAGE2" shoal-node-stage2 "$@"`;

const STAGE2 = `set -e
mount --rbind "$SHOAL_CGROUP_ASIDE" /sys/fs/cgroup
umount -R -l "$SHOAL_CGROUP_ASIDE"
export TMPDIR="$SHOAL_TMPDIR"
exec dockerd "$@"`;

/** Unix socket paths are limited to 108 bytes; containerd's sits deepest, under exec/. */
const SOCKET_PATH_LIMIT = 100;

export function dockerdArgs(node: NodeLayout, tcp: boolean): string[] {
  const args = [
    '--data-root',
    path.join(node.dir, 'data'),
    '--exec-root',
    path.join(node.dir, 'exec'),
    '--pidfile',
    path.join(node.dir, 'dockerd.pid'),
    '--config-file',
    path.join(node.dir, 'daemon.json'),
    '--cgroup-parent',
    node.cgroupParent,
    '-H',
    `unix://${node.socket}`,
  ];
  // Plain TCP only inside the sandbox's private bridge. `--tls=false` avoids dockerd 20.10's deliberate
  // 15 s start-up delay for an unencrypted listener.
  if (tcp) args.push('-H', `tcp://${node.address}:${node.tcpPort}`, '--tls=false');
  return args;
}

export async function startDaemon(node: NodeLayout, tcp: boolean): Promise<number> {
  const containerdSocket = path.join(node.dir, 'exec', 'containerd', 'containerd.sock');
  if (containerdSocket.length > SOCKET_PATH_LIMIT) {
    throw new Error(
      `sandbox path too long for unix sockets (${containerdSocket.length} > ${SOCKET_PATH_LIMIT} bytes): ` +
        `set SHOAL_HOME to a shorter directory`,
    );
  }
  for (const sub of ['data', 'exec', 'tmp', 'cgroup-aside']) {
    fs.mkdirSync(path.join(node.dir, sub), { recursive: true, mode: 0o700 });
  }
  // Each daemon needs its own trust key, or all of them report the host daemon's ID.
  const daemonJson = { 'deprecated-key-path': path.join(node.dir, 'key.json') };
  fs.writeFileSync(path.join(node.dir, 'daemon.json'), JSON.stringify(daemonJson, null, 2) + '\n');
  const log = fs.openSync(path.join(node.dir, 'dockerd.log'), 'a');
  try {
    const child = spawn(
      'unshare',
      [
        '--mount',
        '--uts',
        '--propagation',
        'slave',
        '--',
        'sh',
        '-c',
        STAGE1,
        'shoal-node',
        ...dockerdArgs(node, tcp),
      ],
      {
        detached: true,
        stdio: ['ignore', log, log],
        env: {
          PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          HOME: node.dir,
          SHOAL_HOSTNAME: node.hostname,
          SHOAL_NETNS: node.netns,
          SHOAL_CGROUP_ASIDE: path.join(node.dir, 'cgroup-aside'),
          SHOAL_TMPDIR: path.join(node.dir, 'tmp'),
          SHOAL_STAGE2: STAGE2,
          // No registry is reachable from the sandbox: let swarm mode use local images without trying.
          DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: '1',
        },
      },
    );
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start dockerd for ${node.name}`);
    return child.pid;
  } finally {
    fs.closeSync(log);
  }
}

export async function waitForDaemon(
  node: NodeLayout,
  pid: number,
  tcp: boolean,
  deadlineMs = 30_000,
): Promise<void> {
  const up = await waitForEngine({ socketPath: node.socket }, deadlineMs, () => isAlive(pid));
  if (up && tcp) {
    if (await waitForEngine({ host: node.address, port: node.tcpPort }, deadlineMs, () => isAlive(pid)))
      return;
  } else if (up) {
    return;
  }
  throw new Error(`dockerd of ${node.name} did not come up; last lines of ${logTail(node)}`);
}

function logTail(node: NodeLayout): string {
  const file = path.join(node.dir, 'dockerd.log');
  try {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return `${file}:\n    ${lines.slice(-8).join('\n    ')}`;
  } catch {
    return `${file}: (no log)`;
  }
}

/** The dockerd PID recorded for this node, if that process is still our dockerd (guards against PID reuse). */
export function daemonPid(node: NodeLayout, recorded: number | undefined): number | undefined {
  const candidates = [recorded, readPidfile(node)].filter((p): p is number => p !== undefined);
  for (const pid of candidates) {
    const argv = commandLine(pid);
    if (argv && argv.includes(`unix://${node.socket}`)) return pid;
  }
  return undefined;
}

function readPidfile(node: NodeLayout): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(node.dir, 'dockerd.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a node and everything it started: containers first (httpd-like processes can ignore SIGTERM and
 * would make dockerd wait out their grace period), then dockerd, then any straggler in the node's
 * namespace or cgroups.
 */
export async function stopDaemon(node: NodeLayout, recordedPid: number | undefined): Promise<void> {
  const pid = daemonPid(node, recordedPid);
  if (pid !== undefined) {
    await removeAllContainers(node).catch(() => undefined);
    signal(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 30_000))) signal(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
  await killStragglers(node);
  removeCgroups(node);
}

async function removeAllContainers(node: NodeLayout): Promise<void> {
  const list = await engineRequest(node, 'GET', '/containers/json?all=1');
  const ids = (JSON.parse(list) as Array<{ Id: string }>).map((c) => c.Id);
  const queue = [...ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await engineRequest(node, 'DELETE', `/containers/${id}?force=1&v=1`).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function engineRequest(node: NodeLayout, method: string, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: node.socket, path: urlPath, method, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        (res.statusCode ?? 500) < 300 ? resolve(body) : reject(new Error(`${method} ${urlPath}: ${body}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Processes still in the node's network namespace or cgroups: containerd shims, container processes. */
export async function nodeProcesses(node: NodeLayout): Promise<number[]> {
  const pids = new Set<number>();
  try {
    const { stdout } = await run('ip', ['netns', 'pids', node.netns]);
    for (const p of stdout.split(/\s+/).filter(Boolean)) pids.add(Number(p));
  } catch {
    // Namespace already gone.
  }
  for (const dir of cgroupDirs(node)) {
    for (const file of walk(dir).filter((f) => path.basename(f) === 'cgroup.procs')) {
      try {
        for (const p of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) pids.add(Number(p));
      } catch {
        // Removed meanwhile.
      }
    }
  }
  pids.delete(process.pid);
  return [...pids].filter((p) => Number.isInteger(p) && p > 0);
}

async function killStragglers(node: NodeLayout): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const pids = await nodeProcesses(node);
    if (pids.length === 0) return;
    for (const p of pids) signal(p, 'SIGKILL');
    await Promise.all(pids.map((p) => waitForExit(p, 2_000)));
  }
}

/** The node's cgroup directories: `<root>/<parent>` (v2) and `<root>/<controller>/<parent>` (v1). */
export function cgroupDirs(node: NodeLayout, root = '/sys/fs/cgroup'): string[] {
  const name = node.cgroupParent.replace(/^\//, '');
  const dirs: string[] = [];
  const candidates = [path.join(root, name)];
  try {
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory()) candidates.push(path.join(root, entry.name, name));
    }
  } catch {
    return [];
  }
  for (const c of candidates) if (fs.existsSync(c)) dirs.push(c);
  return [...new Set(dirs.map((d) => fs.realpathSync(d)))];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

/** Removes the node's cgroup directories, deepest first (cgroupfs only allows rmdir of empty groups). */
function removeCgroups(node: NodeLayout): void {
  for (const dir of cgroupDirs(node)) {
    const dirs = [dir, ...walkDirs(dir)].sort((a, b) => b.length - a.length);
    for (const d of dirs) {
      try {
        fs.rmdirSync(d);
      } catch {
        // Busy or gone; the leak check reports what stays.
      }
    }
  }
}

function walkDirs(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory()) {
      const full = path.join(dir, e.name);
      out.push(full, ...walkDirs(full));
    }
  }
  return out;
}
