import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { requestAgent } from '../../../agent/api/client';
import { createNetwork } from '../../../agent/api/swarm/networks';
import { isDirty } from '../../../agent/orchestrator/task-model';
import type { StackPlan } from '../../../agent/stacks/types';
import type { ClusterNetwork, Service, Task } from '../../../agent/types/swarm';
import { startTestAgent, type TestAgent } from '../api/harness';
import { seedTask } from '../api/swarm-fixtures';

/**
 * The stock `docker stack` commands against the agent's API. No engines: tasks are put in the store by hand.
 * The docker CLI loads and converts the compose file itself; the agent sees service and network calls only.
 */
const DOCKER = '/usr/local/bin/docker';
const NODE = 'node1aaaaaaaaaaaaaaaaaaaa';
const run = promisify(execFile);
const skip = fs.existsSync(DOCKER) ? false : `no docker CLI at ${DOCKER}`;

let agent: TestAgent;

before(async () => {
  if (skip) return;
  agent = await startTestAgent();
  agent.nodes.seed({ id: NODE, hostname: 'node1' });
  fs.writeFileSync(path.join(agent.dir, 'config.json'), '{}\n', { mode: 0o600 });
  createNetwork(agent.store, { Name: 'shared', Driver: 'overlay' });
});
after(async () => {
  if (!skip) await agent.close();
});

async function docker(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: agent.dir, DOCKER_CONFIG: agent.dir };
  try {
    const { stdout, stderr } = await run(DOCKER, ['-H', `unix://${agent.socketPath}`, ...args], {
      env,
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function ok(...args: string[]): Promise<string> {
  const result = await docker(...args);
  assert.equal(result.code, 0, `docker ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function composeFile(name: string, text: string): string {
  const file = path.join(agent.dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const rows = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
const services = () => agent.store.collection<Service>('services').list();
const service = (name: string) => services().find((s) => s.Spec.Name === name);
const networks = () => agent.store.collection<ClusterNetwork>('networks').list();

const STACK = `
services:
  web:
    image: shoal/web:latest
    ports: [{ target: 80, published: 8080, mode: host }]
    networks: [front, shared]
    deploy:
      replicas: 2
      placement: { constraints: [node.hostname == node1] }
      update_config: { parallelism: 1, delay: 1s, order: start-first }
  db:
    image: shoal/web:latest
    environment: { ROLE: db }
networks:
  front: {}
  shared: { external: true }
`;

test(
  'docker stack deploy creates the labelled networks and services; deploying again changes no task',
  { skip },
  async () => {
    const file = composeFile('stack.yml', STACK);
    const first = await ok('stack', 'deploy', '--resolve-image', 'never', '-c', file, 'app');
    assert.match(first, /Creating network app_front/);
    assert.match(first, /Creating network app_default/);
    assert.match(first, /Creating service app_web/);
    assert.match(first, /Creating service app_db/);
    for (const name of ['app_front', 'app_default']) {
      const network = networks().find((n) => n.Spec.Name === name);
      assert.equal(network?.Spec.Labels?.['com.docker.stack.namespace'], 'app', name);
    }
    const web = service('app_web');
    assert.deepEqual(web?.Spec.Labels, {
      'com.docker.stack.image': 'shoal/web:latest',
      'com.docker.stack.namespace': 'app',
    });
    assert.deepEqual(web?.Spec.UpdateConfig?.Order, 'start-first');
    assert.deepEqual(web?.Spec.RollbackConfig, undefined);
    assert.deepEqual(web?.Spec.TaskTemplate.Placement?.Constraints, ['node.hostname == node1']);
    assert.equal(web?.Spec.TaskTemplate.Networks?.length, 2);
    // No update_config: the CLI leaves the block out; with one but no order, "" is stored as the default.
    assert.equal(service('app_db')?.Spec.UpdateConfig, undefined);

    const seeded = seedTask(agent.store, { id: 'webtask1', serviceId: web!.ID, slot: 1, nodeId: NODE });
    const tasks = agent.store.collection<Task>('tasks');
    tasks.update(
      { ...seeded, Endpoint: { Spec: structuredClone(web!.Spec.EndpointSpec ?? {}) } },
      seeded.Version.Index,
    );
    const again = await ok('stack', 'deploy', '--resolve-image', 'never', '-c', file, 'app');
    assert.match(again, /Updating service app_web \(id: [0-9a-z]{25}\)/);
    const updated = service('app_web')!;
    assert.ok(updated.Version.Index > web!.Version.Index, 'docker stack deploy always sends an update');
    const task = tasks.get('webtask1')!;
    assert.equal(isDirty(task, updated), false, 'an unchanged file leaves the tasks up to date');
  },
);

test('docker stack ls, services and ps read the stack from labels', { skip }, async () => {
  const [header, ...stacks] = rows(await ok('stack', 'ls'));
  assert.deepEqual(header, ['NAME', 'SERVICES']);
  assert.deepEqual(stacks, [['app', '2']]);
  const [servicesHeader, ...listed] = rows(await ok('stack', 'services', 'app'));
  assert.deepEqual(servicesHeader, ['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS']);
  assert.deepEqual(
    listed.map((r) => r.slice(1)),
    [
      ['app_db', 'replicated', '0/1', 'shoal/web:latest'],
      // Docker lists ingress ports only, and Shoal publishes in host mode only.
      ['app_web', 'replicated', '1/2', 'shoal/web:latest'],
    ],
  );
  const [psHeader, ...tasks] = rows(await ok('stack', 'ps', 'app'));
  assert.deepEqual(psHeader, [
    'ID',
    'NAME',
    'IMAGE',
    'NODE',
    'DESIRED STATE',
    'CURRENT STATE',
    'ERROR',
    'PORTS',
  ]);
  assert.deepEqual(
    tasks.map((r) => r.slice(0, 5)),
    [['webtask1', 'app_web.1', 'shoal/web:latest', 'node1', 'Running']],
  );
  const none = await docker('stack', 'ps', 'nope');
  assert.match(none.stdout + none.stderr, /nothing found in stack: nope/i);
});

test('docker stack deploy --prune removes the services no longer in the file', { skip }, async () => {
  const file = composeFile('smaller.yml', STACK.replace(/ {2}db:\n.*\n.*\n/, ''));
  const output = await ok('stack', 'deploy', '--prune', '--resolve-image', 'never', '-c', file, 'app');
  assert.match(output, /Removing service app_db/);
  assert.deepEqual(
    services().map((s) => s.Spec.Name),
    ['app_web'],
  );
});

test(
  'docker stack deploy: ingress ports and missing external networks are refused with reasons',
  { skip },
  async () => {
    const ingress = composeFile(
      'ingress.yml',
      'services:\n  web:\n    image: shoal/web:latest\n    ports: ["8081:80"]\n',
    );
    const refused = await docker('stack', 'deploy', '--resolve-image', 'never', '-c', ingress, 'ing');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /failed to create service ing_web: .*ingress publishing .*mode=host/);
    const external = composeFile(
      'external.yml',
      'services:\n  web:\n    image: shoal/web:latest\n    networks: [gone]\nnetworks:\n  gone: { external: true }\n',
    );
    const missing = await docker('stack', 'deploy', '--resolve-image', 'never', '-c', external, 'ext');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /network "gone" is declared as external, but could not be found/);
  },
);

test(
  'a stack docker deployed, planned by Shoal from the same file: nothing to change',
  { skip },
  async () => {
    const file = path.join(__dirname, '../../fixtures/stacks/rich.yml');
    await ok('stack', 'deploy', '--resolve-image', 'never', '-c', file, 'rich');
    const content = fs.readFileSync(file, 'utf8');
    const response = await requestAgent({ socketPath: agent.socketPath }, 'POST', '/shoal/stacks/rich/plan', {
      files: { compose: { path: file, content } },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const plan = response.body as StackPlan;
    assert.deepEqual(
      plan.services.map((s) => [s.name, s.action, s.changes]),
      [
        ['rich_web', 'unchanged', undefined],
        ['rich_api', 'unchanged', undefined],
        ['rich_job', 'unchanged', undefined],
      ],
    );
    assert.deepEqual(
      plan.networks.map((n) => [n.name, n.action]),
      [
        ['rich_front', 'exists'],
        ['shared', 'external'],
        ['rich_default', 'exists'],
      ],
    );
    await ok('stack', 'rm', 'rich');
  },
);

test(
  'docker stack rm removes the services and the stack networks, not the external one',
  { skip },
  async () => {
    const output = await ok('stack', 'rm', 'app', 'ing');
    assert.match(output, /Removing service app_web/);
    assert.match(output, /Removing network app_front/);
    assert.match(output, /Removing network app_default/);
    assert.deepEqual(
      services().map((s) => s.Spec.Name),
      [],
    );
    assert.deepEqual(
      networks().map((n) => n.Spec.Name),
      ['shared'],
    );
    assert.deepEqual(rows(await ok('stack', 'ls')), [['NAME', 'SERVICES']]);
  },
);
