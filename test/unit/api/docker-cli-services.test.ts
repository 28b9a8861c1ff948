import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { requestAgent } from '../../../agent/api/client';
import type { ClusterNetwork, Service, Task } from '../../../agent/types/swarm';
import { FakeLogEngine } from './fake-log-engine';
import { startTestAgent, type TestAgent } from './harness';
import { seedTask } from './swarm-fixtures';

/**
 * The stock docker CLI driving services, tasks and networks, as users will run it. No daemon: nothing runs
 * tasks here, so tasks are put in the store by hand, and one fake engine serves their logs.
 */
const DOCKER = '/usr/local/bin/docker';
const NODE = 'node1aaaaaaaaaaaaaaaaaaaa';
const run = promisify(execFile);
const skip = fs.existsSync(DOCKER) ? false : `no docker CLI at ${DOCKER}`;

let agent: TestAgent;
let engine: FakeLogEngine;

before(async () => {
  if (skip) return;
  agent = await startTestAgent();
  agent.nodes.seed({ id: NODE, hostname: 'web-1' });
  engine = await new FakeLogEngine(path.join(agent.dir, 'engine.sock')).listen();
  agent.nodes.engines.set(NODE, engine.client(NODE));
  fs.writeFileSync(path.join(agent.dir, 'config.json'), '{}\n', { mode: 0o600 });
});
after(async () => {
  if (skip) return;
  await agent.close();
  await engine.close();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function docker(...args: string[]): Promise<Result> {
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

function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}

const service = (name: string) =>
  agent.store
    .collection<Service>('services')
    .list()
    .find((s) => s.Spec.Name === name);

test('docker network create -d overlay, ls, inspect', { skip }, async () => {
  const id = (await ok('network', 'create', '-d', 'overlay', '--label', 'team=a', 'mynet')).trim();
  assert.match(id, /^[0-9a-z]{25}$/);
  assert.equal(agent.store.collection<ClusterNetwork>('networks').get(id)?.Spec.Name, 'mynet');
  const [header, ...networks] = rows(await ok('network', 'ls'));
  assert.deepEqual(header, ['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE']);
  assert.deepEqual(networks, [[id.slice(0, 12), 'mynet', 'overlay', 'swarm']]);
  const [inspected] = JSON.parse(await ok('network', 'inspect', 'mynet')) as Array<Record<string, unknown>>;
  assert.equal(inspected?.Id, id);
  assert.equal(inspected?.Scope, 'swarm');
  assert.deepEqual(inspected?.Labels, { team: 'a' });
  // The CLI's default driver is bridge, which is an engine's own business.
  const plain = await docker('network', 'create', 'plain');
  assert.notEqual(plain.code, 0);
  assert.match(
    plain.stderr,
    /Error response from daemon: network driver "bridge" is not supported.*-d overlay/,
  );
});

test(
  'docker service create: accepted in host mode, refused as ingress or as a duplicate',
  { skip },
  async () => {
    const id = (
      await ok(
        'service',
        'create',
        '-d',
        '--no-resolve-image',
        '--name',
        'web',
        '--replicas',
        '3',
        '--network',
        'mynet',
        '--publish',
        'mode=host,target=80,published=8080',
        'shoal/web:latest',
      )
    ).trim();
    const web = service('web');
    assert.equal(web?.ID, id);
    assert.deepEqual(web?.Spec.Mode, { Replicated: { Replicas: 3 } });
    const network = agent.store.collection<ClusterNetwork>('networks').list()[0];
    assert.deepEqual(web?.Spec.TaskTemplate.Networks, [{ Target: network?.ID }]);

    const ingress = await docker(
      'service',
      'create',
      '-d',
      '--no-resolve-image',
      '--name',
      'ing',
      '-p',
      '8081:80',
      'x',
    );
    assert.notEqual(ingress.code, 0);
    assert.match(ingress.stderr, /ingress publishing .*--publish mode=host,target=80,published=8081/);
    const duplicate = await docker('service', 'create', '-d', '--no-resolve-image', '--name', 'web', 'x');
    assert.match(duplicate.stderr, /name conflicts with an existing object/);

    // Without --no-resolve-image the CLI asks for the digest, is told no registry is reachable, and warns.
    const resolved = await docker('service', 'create', '-d', '--name', 'api', 'shoal/api:latest');
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.match(resolved.stderr, /could not be accessed on a registry to record\s+its digest/);
    assert.ok(service('api'));
  },
);

test('docker service ls shows 0/3 while nothing runs, and inspect --pretty reads', { skip }, async () => {
  const [header, ...services] = rows(await ok('service', 'ls'));
  assert.deepEqual(header, ['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS']);
  assert.deepEqual(
    services.map((r) => r.slice(1, 5)),
    [
      ['api', 'replicated', '0/1', 'shoal/api:latest'],
      ['web', 'replicated', '0/3', 'shoal/web:latest'],
    ],
  );
  const pretty = await ok('service', 'inspect', '--pretty', 'web');
  assert.match(pretty, /Name:\s+web/);
  assert.match(pretty, /Replicas:\s+3/);
  assert.match(pretty, /Networks: mynet/);
  assert.match(pretty, /PublishedPort = 8080\s+Protocol = tcp\s+TargetPort = 80\s+PublishMode = host/);
  assert.match(pretty, /Update order:\s+stop-first/, 'insertDefaults filled the update config in');
});

test('docker service scale, update and rollback', { skip }, async () => {
  assert.match(await ok('service', 'scale', 'web=5', '-d'), /web scaled to 5/);
  assert.deepEqual(service('web')?.Spec.Mode, { Replicated: { Replicas: 5 } });
  const scaled = service('web');
  assert.ok(scaled?.SpecVersion && scaled.SpecVersion.Index > 1);
  assert.deepEqual(scaled.PreviousSpecVersion, { Index: 1 });
  const updated = await docker('service', 'update', '-d', '--image', 'shoal/web:2', 'web');
  assert.equal(updated.code, 0, updated.stderr);
  assert.equal(updated.stdout.trim(), 'web');
  assert.equal(service('web')?.Spec.TaskTemplate.ContainerSpec.Image, 'shoal/web:2');
  assert.equal(service('web')?.PreviousSpec?.TaskTemplate.ContainerSpec.Image, 'shoal/web:latest');
  const updatedVersion = service('web')?.SpecVersion?.Index ?? 0;
  assert.ok(updatedVersion > (scaled.SpecVersion.Index ?? 0));
  assert.equal((await ok('service', 'rollback', '-d', 'web')).trim(), 'web');
  const format =
    '{{.Spec.TaskTemplate.ContainerSpec.Image}} {{.UpdateStatus.State}} {{.Spec.Mode.Replicated.Replicas}}';
  assert.equal(
    (await ok('service', 'inspect', '--format', format, 'web')).trim(),
    'shoal/web:latest rollback_started 5',
  );
  const rolledBack = service('web');
  assert.deepEqual(rolledBack?.PreviousSpecVersion?.Index, updatedVersion, 'the versions swap too');
  assert.ok(rolledBack?.SpecVersion && rolledBack.SpecVersion.Index < updatedVersion);
});

test('docker service ps and ls with tasks in the store', { skip }, async () => {
  const web = service('web');
  assert.ok(web);
  seedTask(agent.store, {
    id: 'task1aaaaaaaaaaaaaaaaaaaa',
    serviceId: web.ID,
    slot: 1,
    nodeId: NODE,
    specVersion: 4,
    containerId: 'c1',
  });
  seedTask(agent.store, {
    id: 'task2aaaaaaaaaaaaaaaaaaaa',
    serviceId: web.ID,
    slot: 2,
    nodeId: NODE,
    state: 'failed',
    desired: 'shutdown',
    specVersion: 1,
  });
  const [header, ...tasks] = rows(await ok('service', 'ps', 'web'));
  assert.deepEqual(header, [
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
    [
      ['task1aaaaaaa', 'web.1', 'shoal/web:latest', 'web-1', 'Running'],
      ['task2aaaaaaa', 'web.2', 'shoal/web:latest', 'web-1', 'Shutdown'],
    ],
  );
  assert.match(tasks[0]?.[5] ?? '', /^Running /);
  assert.match(tasks[1]?.[5] ?? '', /^Failed /);
  const running = await ok('service', 'ps', '-q', '--filter', 'desired-state=running', 'web');
  assert.equal(running.trim(), 'task1aaaaaaaaaaaaaaaaaaaa');
  assert.deepEqual(rows(await ok('service', 'ls', '--filter', 'name=web'))[1]?.slice(1, 4), [
    'web',
    'replicated',
    '1/5',
  ]);
});

test('docker service logs prints service.slot.task@node | line', { skip }, async () => {
  engine.container('c1', [
    ['stdout', 'hello'],
    ['stderr', 'warn'],
  ]);
  const logs = await docker('service', 'logs', 'web');
  assert.equal(logs.code, 0, logs.stderr);
  assert.deepEqual(
    (logs.stdout + logs.stderr)
      .trim()
      .split('\n')
      .map((l) => l.replace(/\s+\|/, ' |'))
      .sort(),
    ['web.1.task1aaaaaaa@web-1 | hello', 'web.1.task1aaaaaaa@web-1 | warn'],
  );
  const stamped = await ok('service', 'logs', '--timestamps', '--no-task-ids', 'task1');
  assert.match(stamped, /^2025-01-01T00:00:00\.000000000Z web\.1@web-1\s+\| hello$/m);
});

test('docker network rm is refused while a service uses it; docker service rm', { skip }, async () => {
  const refused = await docker('network', 'rm', 'mynet');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Error response from daemon: network mynet is in use by service web/);
  assert.equal((await ok('service', 'rm', 'web')).trim(), 'web');
  assert.equal(service('web'), undefined);
  const tasks = agent.store.collection<Task>('tasks').list();
  assert.deepEqual(
    tasks.map((t) => t.DesiredState),
    ['remove', 'remove'],
  );
  assert.equal((await ok('network', 'rm', 'mynet')).trim(), 'mynet');
  assert.deepEqual(rows(await ok('network', 'ls')), [['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE']]);
});

test('bad specs sent directly are 400s naming the field, and nothing is stored', { skip }, async () => {
  const before = agent.store.collection<Service>('services').list().length;
  const base = { Name: 'bad', TaskTemplate: { ContainerSpec: { Image: 'x' } } };
  const cases: Array<[unknown, RegExp]> = [
    [{ ...base, Replicas: 3 }, /unknown field Replicas/],
    [{ ...base, Mode: { Replicated: { Replicas: -1 } } }, /Mode\.Replicated\.Replicas/],
    [
      { ...base, TaskTemplate: { ...base.TaskTemplate, Placement: { Constraints: ['node.labels.x=y'] } } },
      /constraint/,
    ],
    [
      {
        ...base,
        EndpointSpec: {
          Ports: [
            { TargetPort: 80, PublishedPort: 9000, PublishMode: 'host' },
            { TargetPort: 81, PublishedPort: 9000, PublishMode: 'host' },
          ],
        },
      },
      /EndpointSpec\.Ports\[1\]: published port 9000\/tcp/,
    ],
  ];
  for (const [body, message] of cases) {
    const response = await requestAgent(
      { socketPath: agent.socketPath },
      'POST',
      '/v1.41/services/create',
      body,
    );
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.match((response.body as { message: string }).message, message);
  }
  assert.equal(agent.store.collection<Service>('services').list().length, before);
});

test('docker service create without -d follows the progress poll until the task runs', { skip }, async () => {
  const created = docker(
    'service',
    'create',
    '--no-resolve-image',
    '--update-monitor',
    '1s',
    '--name',
    'poll',
    'x',
  );
  let poll: Service | undefined;
  const end = Date.now() + 10_000;
  while (!(poll = service('poll')) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.ok(poll, 'the service was created');
  assert.deepEqual(
    poll.Spec.Mode,
    { Replicated: { Replicas: 1 } },
    'the mode is spelled out, as Docker does',
  );
  // What the orchestrator and dispatcher would do: a task of the current spec, running.
  seedTask(agent.store, {
    id: 'polltask1aaaaaaaaaaaaaaaa',
    serviceId: poll.ID,
    slot: 1,
    nodeId: NODE,
    specVersion: 1,
  });
  const result = await created;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout + result.stderr, /verify: Service [0-9a-z]+ converged/);
  await ok('service', 'rm', 'poll');
});

test(
  'docker stack deploy creates networks and services; docker stack rm removes them',
  { skip },
  async () => {
    const file = path.join(agent.dir, 'stack.yml');
    fs.writeFileSync(
      file,
      [
        'services:',
        '  web:',
        '    image: nginx:alpine',
        '    ports: [{ target: 80, published: 8080, mode: host }]',
        '    networks: [front]',
        '    deploy: { replicas: 2 }',
        '  db:',
        '    image: redis:7',
        '    networks: [front, back]',
        'networks:',
        '  front: {}',
        '  back: { driver: overlay }',
        '',
      ].join('\n'),
    );
    const deployed = await ok('stack', 'deploy', '-c', file, '--resolve-image', 'never', 'app');
    assert.match(deployed, /Creating network app_front/);
    assert.match(deployed, /Creating service app_web/);
    const networks = rows(await ok('network', 'ls', '--format', '{{.Name}}  {{.Driver}}  {{.Scope}}'));
    assert.deepEqual(networks.sort(), [
      ['app_back', 'overlay', 'swarm'],
      ['app_front', 'overlay', 'swarm'],
    ]);
    const front = agent.store
      .collection<ClusterNetwork>('networks')
      .list()
      .find((n) => n.Spec.Name === 'app_front');
    assert.deepEqual(
      service('app_web')?.Spec.TaskTemplate.Networks?.map((n) => n.Target),
      [front?.ID],
    );
    assert.equal(service('app_web')?.Spec.Labels?.['com.docker.stack.namespace'], 'app');
    const again = await ok('stack', 'deploy', '-c', file, '--resolve-image', 'never', 'app');
    assert.match(again, /Updating service app_web/);
    assert.ok((service('app_web')?.SpecVersion?.Index ?? 0) > 1);
    const services = rows(await ok('stack', 'services', '--format', '{{.Name}}  {{.Replicas}}', 'app'));
    assert.deepEqual(services.sort(), [
      ['app_db', '0/1'],
      ['app_web', '0/2'],
    ]);
    const removed = await ok('stack', 'rm', 'app');
    assert.match(removed, /Removing service app_web/);
    assert.match(removed, /Removing network app_front/);
    assert.equal(service('app_web'), undefined);
    assert.deepEqual(agent.store.collection('networks').list(), []);
  },
);
