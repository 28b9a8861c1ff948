import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { docker } from '../../helpers/sandbox';
import { Harness, request, waitFor, WEB } from './helpers';

// The stock docker CLI end to end (logs, networks, rm) and bad specs refused with a 400 that names the problem.

let h: Harness;
const created = new Map<string, string>();
const NETWORK = 'backend-it';

before(async () => {
  h = await Harness.start();
});

after(async () => {
  await h.cleanup(async () => {
    await h.removeAndWait(created);
    await h.cli(['network', 'rm', NETWORK]).catch(() => undefined);
  });
});

test("docker service logs shows the tasks' lines with the name.slot.id@node prefix; rm removes everything", async () => {
  const id = await h.create('talker', ['--replicas', '2'], WEB, [
    'sh',
    '-c',
    'echo "hello from $(hostname)"; exec httpd -f -p 80 -h /www',
  ]);
  created.set('talker', id);
  const running = await h.converged('talker', 2);
  const names = await h.hostnames();
  const expected = running
    .map((t) => `talker.${t.Slot}.${t.ID.slice(0, 12)}@${names.get(t.NodeID ?? '') ?? '?'}`)
    .sort();
  const lines = await waitFor(
    'a line from each running task',
    async () => {
      const out = (await h.cli(['service', 'logs', 'talker'])).split('\n').filter((l) => l.includes('|'));
      const fromRunning = out.filter((l) => expected.some((prefix) => l.startsWith(prefix)));
      return new Set(fromRunning.map((l) => l.split(/\s+\|/)[0])).size === 2 ? out : undefined;
    },
    15_000,
  );
  for (const line of lines) {
    assert.match(line, /^talker\.\d+\.[0-9a-z]{12}@node\d\s*\| hello from \S+$/, line);
  }
  for (const prefix of expected) {
    assert.ok(
      lines.some((l) => l.startsWith(prefix) && /\| hello from \S+$/.test(l)),
      `${prefix} in:\n${lines.join('\n')}`,
    );
  }

  await h.cli(['service', 'rm', 'talker']);
  created.delete('talker');
  await waitFor(
    'the service and its containers gone',
    async () => {
      const ls = await h.cli(['service', 'ls', '--format', '{{.Name}}']);
      const left = (await h.allEngineContainers()).filter(
        (c) => c.Labels['com.docker.swarm.service.id'] === id,
      );
      return !ls.split('\n').includes('talker') && left.length === 0;
    },
    20_000,
  );
});

test('docker network create -d overlay, ls, rm: refused while a service uses it', async () => {
  const netId = (await h.cli(['network', 'create', '-d', 'overlay', NETWORK])).trim();
  assert.match(netId, /^[0-9a-z]{25}$/);
  const ls = await h.cli(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']);
  assert.ok(ls.split('\n').includes(`${NETWORK} overlay swarm`), ls);

  const id = await h.create('netuser', ['--replicas', '3', '--network', NETWORK]);
  created.set('netuser', id);
  await h.converged('netuser', 3);
  // On each node the cluster network is a local bridge the tasks are attached to.
  for (const e of h.engines) {
    const local = await docker(e.endpoint, [
      'network',
      'ls',
      '--filter',
      `name=^${NETWORK}$`,
      '--format',
      '{{.Driver}}',
    ]);
    assert.equal(local.trim(), 'bridge', `${e.name}: ${local}`);
  }
  await assert.rejects(h.cli(['network', 'rm', NETWORK]), /network backend-it is in use by service netuser/);
  assert.ok((await h.cli(['network', 'ls', '--format', '{{.Name}}'])).split('\n').includes(NETWORK));

  await h.removeAndWait(new Map([['netuser', id]]));
  created.delete('netuser');
  await h.cli(['network', 'rm', NETWORK]);
  assert.ok(!(await h.cli(['network', 'ls', '--format', '{{.Name}}'])).split('\n').includes(NETWORK));
  await waitFor(
    'the node-local copies removed',
    async () => {
      for (const e of h.engines) {
        const local = await docker(e.endpoint, ['network', 'ls', '--filter', `name=^${NETWORK}$`, '-q']);
        if (local.trim() !== '') return false;
      }
      return true;
    },
    15_000,
  );
});

interface Refusal {
  what: string;
  send: () => Promise<{ status: number; body: string }>;
  message: RegExp;
}

test('bad specs get a 400 that says what is wrong, and change nothing', async () => {
  const id = await h.create('stable', ['--replicas', '1']);
  created.set('stable', id);
  await h.converged('stable', 1);
  const before = await h.service('stable');
  const servicesBefore = await h.cli(['service', 'ls', '--format', '{{.Name}}']);
  const tasksBefore = (await h.allTasks()).length;

  const sock = h.agent.socket;
  const spec = (
    extra: Record<string, unknown>,
    container: Record<string, unknown> = {},
  ): Record<string, unknown> => ({
    Name: 'bad',
    TaskTemplate: { ContainerSpec: { Image: WEB, ...container } },
    ...extra,
  });
  const update = (body: Record<string, unknown>) =>
    request(sock, 'POST', `/v1.41/services/${before.ID}/update?version=${before.Version.Index}`, body);
  const refusals: Refusal[] = [
    {
      what: 'unknown field',
      send: () => request(sock, 'POST', '/v1.41/services/create', spec({}, { Bogus: 1 })),
      message: /unknown field TaskTemplate\.ContainerSpec\.Bogus/,
    },
    {
      what: 'negative replicas',
      send: () =>
        request(sock, 'POST', '/v1.41/services/create', spec({ Mode: { Replicated: { Replicas: -1 } } })),
      message: /Replicas must be at least 0, got -1/,
    },
    {
      what: 'bad constraint',
      send: () =>
        request(
          sock,
          'POST',
          '/v1.41/services/create',
          spec({
            TaskTemplate: {
              ContainerSpec: { Image: WEB },
              Placement: { Constraints: ['node.hostname=node1'] },
            },
          }),
        ),
      message: /invalid constraint expression "node\.hostname=node1"/,
    },
    {
      what: 'host port conflict',
      send: () =>
        request(
          sock,
          'POST',
          '/v1.41/services/create',
          spec({
            EndpointSpec: {
              Ports: [
                { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18080, PublishMode: 'host' },
                { Protocol: 'tcp', TargetPort: 81, PublishedPort: 18080, PublishMode: 'host' },
              ],
            },
          }),
        ),
      message: /published port 18080\/tcp is already used by EndpointSpec\.Ports\[0\]/,
    },
    {
      what: 'update with negative replicas',
      send: () => update({ ...before.Spec, Mode: { Replicated: { Replicas: -3 } } }),
      message: /Replicas must be at least 0, got -3/,
    },
    {
      what: 'update with an unknown field',
      send: () => update({ ...before.Spec, Replicas: 3 }),
      message: /unknown field Replicas/,
    },
  ];
  for (const r of refusals) {
    const res = await r.send();
    assert.equal(res.status, 400, `${r.what}: ${res.status} ${res.body}`);
    const message = (JSON.parse(res.body) as { message: string }).message;
    assert.match(message, r.message, r.what);
  }

  // What the CLI sends itself (it catches negative replicas and unknown fields on its own).
  await assert.rejects(
    h.cli([
      'service',
      'create',
      '-d',
      '--no-resolve-image',
      '--name',
      'bad',
      '--constraint',
      'node.role=>manager',
      WEB,
    ]),
    /invalid constraint expression/,
  );
  await assert.rejects(
    h.cli([
      'service',
      'create',
      '-d',
      '--no-resolve-image',
      '--name',
      'bad',
      '--publish',
      'mode=host,published=18080,target=80',
      '--publish',
      'mode=host,published=18080,target=81',
      WEB,
    ]),
    /published port 18080\/tcp is already used/,
  );
  await assert.rejects(
    h.cli(['service', 'update', '-d', '--constraint-add', 'node.labels.zone', 'stable']),
    /constraint/,
  );

  // Nothing changed: no new service or task, and the good one is as it was.
  assert.equal(await h.cli(['service', 'ls', '--format', '{{.Name}}']), servicesBefore);
  assert.equal((await h.allTasks()).length, tasksBefore);
  const afterwards = await h.service('stable');
  assert.equal(afterwards.Version.Index, before.Version.Index);
  assert.deepEqual(afterwards.Spec, before.Spec);
  assert.equal((await h.running('stable')).length, 1);
});
