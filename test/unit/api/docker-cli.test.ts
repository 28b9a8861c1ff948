import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { SwarmNode } from '../../../agent/types/swarm';
import { startTestAgent, type TestAgent } from './harness';

/** The stock docker CLI against the agent, as users will run it. No daemon is involved. */
const DOCKER = '/usr/local/bin/docker';
const run = promisify(execFile);
const skip = fs.existsSync(DOCKER) ? false : `no docker CLI at ${DOCKER}`;

let agent: TestAgent;
let plainConfig: string;
let tokenConfig: string;

before(async () => {
  if (skip) return;
  agent = await startTestAgent({ tcp: true });
  agent.nodes.seed({ id: 'aaa111bbb222ccc333ddd444e', hostname: 'web-1', engineLabels: { zone: 'a' } });
  agent.nodes.seed({ id: 'bbb111bbb222ccc333ddd444e', hostname: 'web-2' });
  agent.nodes.seed({ id: 'ccc111bbb222ccc333ddd444e', hostname: 'db-1', state: 'down' });
  plainConfig = path.join(agent.dir, 'docker-plain');
  tokenConfig = path.join(agent.dir, 'docker-token');
  fs.mkdirSync(plainConfig, { mode: 0o700 });
  fs.mkdirSync(tokenConfig, { mode: 0o700 });
  fs.writeFileSync(path.join(plainConfig, 'config.json'), '{}\n', { mode: 0o600 });
  fs.writeFileSync(
    path.join(tokenConfig, 'config.json'),
    `${JSON.stringify({ HttpHeaders: { Authorization: `Bearer ${agent.token}` } })}\n`,
    { mode: 0o600 },
  );
});
after(async () => {
  if (!skip) await agent.close();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function docker(args: string[], options: { tcp?: boolean; config?: string } = {}): Promise<Result> {
  const host = options.tcp ? `tcp://127.0.0.1:${agent.port}` : `unix://${agent.socketPath}`;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: agent.dir };
  env.DOCKER_CONFIG = options.config ?? plainConfig;
  try {
    const { stdout, stderr } = await run(DOCKER, ['-H', host, ...args], { env, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}

test('docker node ls over the unix socket', { skip }, async () => {
  const result = await docker(['node', 'ls']);
  assert.equal(result.code, 0, result.stderr);
  const [header, ...nodes] = rows(result.stdout);
  assert.deepEqual(header, ['ID', 'HOSTNAME', 'STATUS', 'AVAILABILITY', 'MANAGER STATUS', 'ENGINE VERSION']);
  assert.deepEqual(
    nodes.map((r) => r.slice(0, 4)),
    [
      // The CLI sorts by hostname.
      ['ccc111bbb222ccc333ddd444e', 'db-1', 'Down', 'Active'],
      ['aaa111bbb222ccc333ddd444e', 'web-1', 'Ready', 'Active'],
      ['bbb111bbb222ccc333ddd444e', 'web-2', 'Ready', 'Active'],
    ],
  );
  assert.ok(!result.stdout.includes('*'), 'the agent is no engine node, so no row is "self"');
  const filtered = await docker(['node', 'ls', '-q', '--filter', 'name=web', '--filter', 'label=zone=a']);
  assert.equal(filtered.stdout.trim(), 'aaa111bbb222ccc333ddd444e');
});

test('docker node inspect by name and by ID prefix', { skip }, async () => {
  const byName = await docker(['node', 'inspect', 'web-1']);
  assert.equal(byName.code, 0, byName.stderr);
  const [node] = JSON.parse(byName.stdout) as SwarmNode[];
  assert.equal(node?.ID, 'aaa111bbb222ccc333ddd444e');
  const byPrefix = await docker(['node', 'inspect', '--format', '{{.Description.Hostname}}', 'bbb1']);
  assert.equal(byPrefix.stdout.trim(), 'web-2');
  const missing = await docker(['node', 'inspect', 'nope']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /node nope not found/);
});

test('docker node update --availability drain and --label-add', { skip }, async () => {
  const drain = await docker(['node', 'update', '--availability', 'drain', 'web-1']);
  assert.equal(drain.code, 0, drain.stderr);
  assert.equal(drain.stdout.trim(), 'web-1');
  assert.equal(agent.nodes.resolve('web-1').Spec.Availability, 'drain');
  const label = await docker(['node', 'update', '--label-add', 'k=v', 'web-1']);
  assert.equal(label.code, 0, label.stderr);
  const spec = agent.nodes.resolve('web-1').Spec;
  assert.deepEqual(spec.Labels, { k: 'v' });
  assert.equal(spec.Availability, 'drain', 'the CLI sends the whole spec back');
  const ls = await docker([
    'node',
    'ls',
    '--filter',
    'node.label=k=v',
    '--format',
    '{{.Hostname}} {{.Availability}}',
  ]);
  assert.equal(ls.stdout.trim(), 'web-1 Drain');
});

test('docker node rm: refused for a live node without --force', { skip }, async () => {
  const refused = await docker(['node', 'rm', 'web-2']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Error response from daemon: node bbb111bbb222ccc333ddd444e is not down/);
  const down = await docker(['node', 'rm', 'db-1']);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(down.stdout.trim(), 'db-1');
  const forced = await docker(['node', 'rm', '--force', 'web-2']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(
    agent.nodes.list().map((n) => n.Description.Hostname),
    ['web-1'],
  );
});

test('docker version and docker info', { skip }, async () => {
  const version = await docker(['version']);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /Server: Shoal/);
  assert.match(version.stdout, /API version:\s+1\.41 \(minimum version 1\.24\)/);
  assert.match(version.stdout, /API version:\s+1\.41 \(downgraded from/);
  const info = await docker(['info']);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /Swarm: active/);
  assert.match(info.stdout, /Is Manager: true/);
  assert.match(info.stdout, new RegExp(`ClusterID: ${agent.store.clusterID}`));
  assert.match(info.stdout, /Operating System: Shoal/);
});

test('over TCP the CLI needs the token, which it sends from config.json HttpHeaders', { skip }, async () => {
  const refused = await docker(['node', 'ls'], { tcp: true });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /unauthorized/);
  const allowed = await docker(['node', 'ls', '--format', '{{.Hostname}}'], {
    tcp: true,
    config: tokenConfig,
  });
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.equal(allowed.stdout.trim(), 'web-1');
  const update = await docker(['node', 'update', '--availability', 'active', 'web-1'], {
    tcp: true,
    config: tokenConfig,
  });
  assert.equal(update.code, 0, update.stderr);
  assert.equal(agent.nodes.resolve('web-1').Spec.Availability, 'active');
  for (const line of agent.logs) assert.ok(!line.includes(agent.token));
});
