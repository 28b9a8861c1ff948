import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { docker, shoal } from '../../helpers/sandbox';
import { Harness, SERVICE_LABEL, request, waitFor, type TaskView } from '../orchestration/helpers';

// Compose stacks on real engines: `shoal stack` deploys, diffs, prunes and removes; only changed services roll.
// Then the stock `docker stack` commands against the same agent.

let h: Harness;
let dir: string;

const STACK = `
services:
  web:
    image: shoal/web:latest
    environment: { SHOW_ENV: ROLE, ROLE: web }
    ports: [{ target: 80, published: 18080, mode: host }]
    stop_grace_period: 1s
    deploy:
      replicas: 2
      placement: { constraints: [node.hostname != node3] }
      update_config: { parallelism: 1, monitor: 1s }
      restart_policy: { delay: 1s }
  api:
    image: shoal/web:\${API_TAG:-latest}
    stop_grace_period: 1s
    deploy:
      replicas: 2
      update_config: { parallelism: 2, monitor: 1s, order: start-first }
  db:
    image: shoal/web:latest
    stop_grace_period: 1s
    deploy:
      placement: { constraints: [node.labels.tier == db] }
`;

before(async () => {
  h = await Harness.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-stack-'));
  // A second tag of the sandbox image on every engine, to update to without a registry.
  await Promise.all(h.engines.map((e) => docker(e.endpoint, ['tag', 'shoal/web:latest', 'shoal/web:v2'])));
  await h.cli(['node', 'update', '--label-add', 'tier=db', 'node3']);
});

after(async () => {
  await h.cleanup(async () => {
    for (const stack of ['app', 'dock']) await shoal(['stack', 'rm', stack], agentEnv());
    await waitFor('stack containers gone', async () => (await h.allEngineContainers()).length === 0, 30_000);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

function agentEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { SHOAL_AGENT: h.agent.endpoint, ...extra };
}

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

async function shoalOk(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await shoal(args, agentEnv(env));
  assert.equal(result.code, 0, `shoal ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** Running tasks (ID → container ID) of each service, once each has the count given. */
async function runningTasks(counts: Record<string, number>): Promise<Map<string, TaskView[]>> {
  const tasks = new Map<string, TaskView[]>();
  for (const [service, count] of Object.entries(counts))
    tasks.set(service, await h.converged(service, count, 45_000));
  return tasks;
}

/** The node copies of a removed stack network go too, once the last task on each node is removed. */
async function networkGoneFromEngines(name: string): Promise<void> {
  const copies = async () => {
    const found: string[] = [];
    for (const e of h.engines) {
      const ids = (await docker(e.endpoint, ['network', 'ls', '-q', '--filter', `name=^${name}$`])).trim();
      if (ids) found.push(`${e.name}: ${ids}`);
    }
    return found;
  };
  await waitFor(
    `${name} gone from the engines`,
    async () => (await copies()).length === 0,
    20_000,
    async () => (await copies()).join('\n'),
  );
}

const containerIds = (tasks: TaskView[]) => tasks.map((t) => t.Status.ContainerStatus?.ContainerID).sort();
const taskIds = (tasks: TaskView[]) => tasks.map((t) => t.ID).sort();

test('shoal stack deploy: three services placed by their constraints, on the stack network', async () => {
  const file = writeFile('stack.yml', STACK);
  const diff = await shoalOk(['stack', 'diff', '-c', file, 'app']);
  assert.match(diff, /Stack app: 3 to create, 0 to update, 0 unchanged, 0 to remove/);

  const out = await shoalOk(['stack', 'deploy', '-c', file, 'app']);
  assert.deepEqual(out.trim().split('\n'), [
    'Creating network app_default',
    'Creating service app_web',
    'Creating service app_api',
    'Creating service app_db',
  ]);
  const tasks = await runningTasks({ app_web: 2, app_api: 2, app_db: 1 });
  const hostnames = await h.hostnames();
  const nodesOf = (service: string) =>
    tasks
      .get(service)!
      .map((t) => hostnames.get(t.NodeID ?? ''))
      .sort();
  assert.deepEqual(nodesOf('app_web'), ['node1', 'node2'], 'web: node.hostname != node3, one per host port');
  assert.deepEqual(nodesOf('app_db'), ['node3'], 'db: node.labels.tier == db');

  // Each engine that runs a task has the stack network as a local bridge, and the containers sit on it.
  for (const task of tasks.get('app_db')!) {
    const engine = h.engine(hostnames.get(task.NodeID ?? '')!);
    const socket = engine.endpoint.replace(/^unix:\/\//, '');
    const inspected = await request(
      socket,
      'GET',
      `/v1.41/containers/${task.Status.ContainerStatus?.ContainerID}/json`,
    );
    assert.ok(JSON.parse(inspected.body).NetworkSettings.Networks.app_default, 'db container on app_default');
  }
  const ls = await shoalOk(['stack', 'ls']);
  assert.deepEqual(
    ls
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)),
    [
      ['NAME', 'SERVICES'],
      ['app', '3'],
    ],
  );
  const services = await shoalOk(['stack', 'services', 'app']);
  assert.match(services, /app_web\s+replicated\s+2\/2\s+shoal\/web:latest\s+\*:18080->80\/tcp/);
  assert.match(services, /app_db\s+replicated\s+1\/1\s+shoal\/web:latest/);
  const ps = await shoalOk(['stack', 'ps', 'app']);
  assert.match(ps, /app_db\.1\s+shoal\/web:latest\s+node3\s+Running\s+Running/);
});

test('changing one service in the file rolls that service only; the others keep their tasks and containers', async () => {
  const file = path.join(dir, 'stack.yml');
  const before = await runningTasks({ app_web: 2, app_api: 2, app_db: 1 });
  const versions = new Map<string, number>();
  for (const name of ['app_web', 'app_api', 'app_db'])
    versions.set(name, (await h.service(name)).Version.Index);

  const unchanged = await shoalOk(['stack', 'deploy', '-c', file, 'app']);
  assert.match(unchanged, /Service app_web is unchanged/);
  for (const [name, version] of versions) {
    assert.equal((await h.service(name)).Version.Index, version, `${name} not written`);
  }

  // ${API_TAG} comes from the client's environment.
  const diff = await shoalOk(['stack', 'diff', '-c', file, 'app'], { API_TAG: 'v2' });
  assert.match(diff, /Stack app: 0 to create, 1 to update, 2 unchanged, 0 to remove/);
  assert.match(
    diff,
    /~ service app_api \(2 fields: Labels\["com\.docker\.stack\.image"\], TaskTemplate\.ContainerSpec\.Image\)\n/,
  );
  assert.match(diff, /TaskTemplate\.ContainerSpec\.Image: "shoal\/web:latest" -> "shoal\/web:v2"/);

  const out = await shoalOk(['stack', 'deploy', '-c', file, 'app'], { API_TAG: 'v2' });
  assert.match(out, /Updating service app_api \(2 fields: .*TaskTemplate\.ContainerSpec\.Image\)/);
  await h.updateState('app_api', ['completed'], 45_000);
  const after = await runningTasks({ app_web: 2, app_api: 2, app_db: 1 });
  assert.ok(
    after.get('app_api')!.every((t) => t.Spec.ContainerSpec?.Image === 'shoal/web:v2'),
    'api rolled to v2',
  );
  assert.deepEqual(
    taskIds(after.get('app_api')!).filter((id) => taskIds(before.get('app_api')!).includes(id)),
    [],
    'every api task replaced',
  );
  for (const name of ['app_web', 'app_db']) {
    assert.deepEqual(taskIds(after.get(name)!), taskIds(before.get(name)!), `${name} keeps its tasks`);
    assert.deepEqual(
      containerIds(after.get(name)!),
      containerIds(before.get(name)!),
      `${name} keeps its containers`,
    );
    assert.equal((await h.service(name)).Version.Index, versions.get(name), `${name} not written`);
  }
  // The engines agree: web's and db's containers are the ones that ran before.
  const engineIds = new Set((await h.allEngineContainers(false)).map((c) => c.Id));
  for (const id of [...containerIds(before.get('app_web')!), ...containerIds(before.get('app_db')!)]) {
    assert.ok(engineIds.has(id!), `container ${id} still running on its engine`);
  }
});

test('a broken file: exit 1 with file:line:column, and nothing changes', async () => {
  const broken = writeFile(
    'broken.yml',
    STACK.replace('replicas: 2\n      placement', 'replicas: two\n      placement'),
  );
  const versions = (await Promise.all(['app_web', 'app_api', 'app_db'].map((n) => h.service(n)))).map(
    (s) => s.Version.Index,
  );
  const result = await shoal(['stack', 'deploy', '-c', broken, 'app'], agentEnv({ API_TAG: 'v2' }));
  assert.equal(result.code, 1, result.stdout);
  assert.match(
    result.stderr,
    new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `, 'm'),
  );
  assert.equal(result.stdout, '');
  const after = (await Promise.all(['app_web', 'app_api', 'app_db'].map((n) => h.service(n)))).map(
    (s) => s.Version.Index,
  );
  assert.deepEqual(after, versions);
});

test('--prune removes the services dropped from the file; rm removes the stack and its network', async () => {
  const db = await h.service('app_db');
  const smaller = writeFile('smaller.yml', STACK.slice(0, STACK.indexOf('  db:')));
  const out = await shoalOk(['stack', 'deploy', '--prune', '-c', smaller, 'app'], { API_TAG: 'v2' });
  assert.match(out, /Removing service app_db/);
  await waitFor(
    'db containers gone from the engines',
    async () => (await h.allEngineContainers()).every((c) => c.Labels[SERVICE_LABEL] !== db.ID),
    30_000,
  );

  const removed = await shoalOk(['stack', 'rm', 'app']);
  assert.match(removed, /Removing service app_web/);
  assert.match(removed, /Removing network app_default/);
  await waitFor('app containers gone', async () => (await h.allEngineContainers()).length === 0, 30_000);
  assert.equal((await h.cli(['network', 'ls', '--filter', 'name=app_', '-q'])).trim(), '');
  await networkGoneFromEngines('app_default');
  const none = await shoal(['stack', 'services', 'app'], agentEnv());
  assert.equal(none.code, 1);
  assert.match(none.stderr, /nothing found in stack: app/);
});

test('the stock docker CLI: docker stack deploy, ls, services, ps, rm', async () => {
  const file = writeFile(
    'docker.yml',
    `services:
  front:
    image: shoal/web:latest
    ports: [{ target: 80, published: 18081, mode: host }]
    stop_grace_period: 1s
    deploy: { replicas: 2, update_config: { parallelism: 1, monitor: 1s } }
  back:
    image: shoal/web:latest
    stop_grace_period: 1s
    networks: [inner]
networks:
  inner: {}
`,
  );
  const deployed = await h.cli(['stack', 'deploy', '--resolve-image', 'never', '-c', file, 'dock']);
  assert.match(deployed, /Creating network dock_inner/);
  assert.match(deployed, /Creating service dock_front/);
  const before = await runningTasks({ dock_front: 2, dock_back: 1 });

  // Deploying the same file again updates every service, but nothing in their tasks changed.
  const again = await h.cli(['stack', 'deploy', '--resolve-image', 'never', '-c', file, 'dock']);
  assert.match(again, /Updating service dock_front/);
  const after = await runningTasks({ dock_front: 2, dock_back: 1 });
  assert.deepEqual(taskIds(after.get('dock_front')!), taskIds(before.get('dock_front')!));

  assert.match(await h.cli(['stack', 'ls']), /dock\s+2/);
  const services = await h.cli(['stack', 'services', 'dock']);
  assert.match(services, /dock_front\s+replicated\s+2\/2\s+shoal\/web:latest/);
  const ps = await h.cli(['stack', 'ps', 'dock']);
  assert.equal(ps.match(/\sRunning\s+Running /g)?.length, 3, ps);
  // `shoal stack` sees the stack docker made.
  assert.match(await shoalOk(['stack', 'ls']), /dock\s+2/);

  const removed = await h.cli(['stack', 'rm', 'dock']);
  assert.match(removed, /Removing service dock_back/);
  assert.match(removed, /Removing network dock_inner/);
  await waitFor('dock containers gone', async () => (await h.allEngineContainers()).length === 0, 30_000);
  await networkGoneFromEngines('dock_inner');
  assert.equal((await h.cli(['stack', 'ls'])).trim(), 'NAME      SERVICES');

  // Deployed again after rm: new networks of the same names, on engines that no longer have the old ones.
  await h.cli(['stack', 'deploy', '--resolve-image', 'never', '-c', file, 'dock']);
  await runningTasks({ dock_front: 2, dock_back: 1 });
});
