import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerConfig, type ContainerConfigInput } from '../../../agent/executor/container-config';
import type { ContainerSpec, Service, TaskSpec } from '../../../agent/types/swarm';
import { clusterNetwork, node, service, task } from './fixtures';

const SECOND = 1e9;

function input(
  containerSpec: Partial<ContainerSpec> = {},
  taskSpec: Partial<TaskSpec> = {},
): ContainerConfigInput {
  const svc = service({
    TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest', ...containerSpec }, ...taskSpec },
  });
  return { task: task(svc, node()), service: svc, node: node(), clusterID: 'cluster1', networks: [] };
}

function configOf(containerSpec: Partial<ContainerSpec> = {}, taskSpec: Partial<TaskSpec> = {}) {
  return containerConfig(input(containerSpec, taskSpec));
}

test('the name is <service>.<slot>.<task> for replicated tasks and <service>.<node>.<task> for global ones', () => {
  assert.equal(configOf().name, 'web.1.task1id');
  const i = input();
  i.task.Slot = undefined;
  assert.equal(containerConfig(i).name, 'web.node1id.task1id');
  assert.equal(containerConfig(i).name, containerConfig(i).name, 'deterministic');
});

test('labels: Swarm system labels and Shoal labels win over user labels; reserved user keys are dropped', () => {
  const { body } = configOf({
    Labels: {
      app: 'shop',
      'com.docker.swarm.task.id': 'forged',
      'io.shoal.task.slot': '99',
      'io.shoal.anything': 'x',
    },
  });
  assert.deepEqual(body.Labels, {
    app: 'shop',
    'com.docker.swarm.task': '',
    'com.docker.swarm.task.id': 'task1id',
    'com.docker.swarm.task.name': 'web.1.task1id',
    'com.docker.swarm.service.id': 'svc1id',
    'com.docker.swarm.service.name': 'web',
    'com.docker.swarm.node.id': 'node1id',
    'io.shoal.cluster.id': 'cluster1',
    'io.shoal.task.slot': '1',
    'io.shoal.spec.version': '7',
  });
});

test('a global task has no slot label, and a user cannot forge one', () => {
  const i = input({ Labels: { 'io.shoal.task.slot': '3' } });
  i.task.Slot = undefined;
  assert.equal(containerConfig(i).body.Labels['io.shoal.task.slot'], undefined);
});

test('Command replaces the entrypoint and Args become Cmd; Args alone keep the image entrypoint', () => {
  assert.deepEqual(pick(configOf({ Command: ['sh', '-c'], Args: ['exit 1'] }).body, 'Entrypoint', 'Cmd'), {
    Entrypoint: ['sh', '-c'],
    Cmd: ['exit 1'],
  });
  assert.deepEqual(pick(configOf({ Command: ['httpd'] }).body, 'Entrypoint', 'Cmd'), {
    Entrypoint: ['httpd'],
    Cmd: [],
  });
  assert.deepEqual(pick(configOf({ Args: ['sh', '-c', 'exit 1'] }).body, 'Entrypoint', 'Cmd'), {
    Cmd: ['sh', '-c', 'exit 1'],
  });
  assert.deepEqual(pick(configOf().body, 'Entrypoint', 'Cmd'), {});
});

test('process fields map to their engine names', () => {
  const { body } = configOf({
    Env: ['A=1'],
    Hostname: 'h',
    Dir: '/srv',
    User: 'nobody',
    Groups: ['audio'],
    TTY: true,
    OpenStdin: true,
    ReadOnly: true,
    StopSignal: 'SIGINT',
    Init: true,
    Sysctls: { 'net.core.somaxconn': '1024' },
    CapabilityAdd: ['CAP_NET_ADMIN'],
    CapabilityDrop: ['CAP_MKNOD'],
    Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
    OomScoreAdj: 100,
  });
  assert.deepEqual(pick(body, 'Env', 'Hostname', 'WorkingDir', 'User', 'Tty', 'OpenStdin', 'StopSignal'), {
    Env: ['A=1'],
    Hostname: 'h',
    WorkingDir: '/srv',
    User: 'nobody',
    Tty: true,
    OpenStdin: true,
    StopSignal: 'SIGINT',
  });
  const h = body.HostConfig;
  assert.deepEqual(h.GroupAdd, ['audio']);
  assert.equal(h.ReadonlyRootfs, true);
  assert.equal(h.Init, true);
  assert.deepEqual(h.Sysctls, { 'net.core.somaxconn': '1024' });
  assert.deepEqual(h.CapAdd, ['CAP_NET_ADMIN']);
  assert.deepEqual(h.CapDrop, ['CAP_MKNOD']);
  assert.deepEqual(h.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  assert.equal(h.OomScoreAdj, 100);
});

test('Init null (the engine default) is left out', () => {
  assert.equal('Init' in configOf({ Init: null }).body.HostConfig, false);
});

test('the engine restart policy is always "no": the orchestrator restarts tasks', () => {
  assert.deepEqual(configOf().body.HostConfig.RestartPolicy, { Name: 'no' });
  const withPolicy = configOf({}, { RestartPolicy: { Condition: 'any' } });
  assert.deepEqual(withPolicy.body.HostConfig.RestartPolicy, { Name: 'no' });
});

test('StopGracePeriod becomes StopTimeout in whole seconds, rounded up; 10 s by default', () => {
  assert.equal(configOf().body.StopTimeout, 10);
  assert.equal(configOf().stopGraceSeconds, 10);
  assert.equal(configOf({ StopGracePeriod: 0 }).body.StopTimeout, 0);
  assert.equal(configOf({ StopGracePeriod: 1 * SECOND }).body.StopTimeout, 1);
  assert.equal(configOf({ StopGracePeriod: 1.2 * SECOND }).body.StopTimeout, 2);
  assert.equal(configOf({ StopGracePeriod: 500_000_000 }).stopGraceSeconds, 1);
});

test('the healthcheck passes through in nanoseconds', () => {
  const hc = {
    Test: ['CMD-SHELL', 'true'],
    Interval: SECOND,
    Timeout: 2 * SECOND,
    Retries: 3,
    StartPeriod: 0,
  };
  assert.deepEqual(configOf({ Healthcheck: hc }).body.Healthcheck, hc);
  assert.equal('Healthcheck' in configOf().body, false);
});

test('Hosts ("IP name [alias...]") become ExtraHosts "name:IP"', () => {
  const { HostConfig } = configOf({ Hosts: ['10.0.0.1 db', '10.0.0.2 cache cache.local', 'junk'] }).body;
  assert.deepEqual(HostConfig.ExtraHosts, ['db:10.0.0.1', 'cache:10.0.0.2', 'cache.local:10.0.0.2']);
});

test('DNSConfig becomes Dns, DnsSearch and DnsOptions', () => {
  const { HostConfig } = configOf({
    DNSConfig: { Nameservers: ['1.1.1.1'], Search: ['example.org'], Options: ['ndots:2'] },
  }).body;
  assert.deepEqual(pick(HostConfig, 'Dns', 'DnsSearch', 'DnsOptions'), {
    Dns: ['1.1.1.1'],
    DnsSearch: ['example.org'],
    DnsOptions: ['ndots:2'],
  });
  assert.equal('Dns' in configOf({ DNSConfig: {} }).body.HostConfig, false);
});

test('mounts (bind, volume, tmpfs) go to HostConfig.Mounts', () => {
  const mounts = [
    {
      Type: 'bind' as const,
      Source: '/srv',
      Target: '/data',
      ReadOnly: true,
      BindOptions: { Propagation: 'rslave' },
    },
    {
      Type: 'volume' as const,
      Source: 'v',
      Target: '/v',
      VolumeOptions: { NoCopy: true, Labels: { a: 'b' } },
    },
    { Type: 'tmpfs' as const, Target: '/tmp', TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 } },
  ];
  assert.deepEqual(configOf({ Mounts: mounts }).body.HostConfig.Mounts, mounts);
});

test('limits and the memory reservation map to the engine resources', () => {
  const { HostConfig } = configOf(
    {},
    {
      Resources: {
        Limits: { NanoCPUs: 5e8, MemoryBytes: 64 << 20, Pids: 100 },
        Reservations: { MemoryBytes: 32 << 20, NanoCPUs: 1e8 },
      },
    },
  ).body;
  assert.deepEqual(pick(HostConfig, 'NanoCpus', 'Memory', 'PidsLimit', 'MemoryReservation'), {
    NanoCpus: 5e8,
    Memory: 64 << 20,
    PidsLimit: 100,
    MemoryReservation: 32 << 20,
  });
});

test('host-mode ports are exposed and bound; 0 is ephemeral; ingress ports are not bound here', () => {
  const svc: Service = service({
    EndpointSpec: {
      Ports: [
        { TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' },
        { TargetPort: 53, Protocol: 'udp', PublishedPort: 0, PublishMode: 'host' },
        { TargetPort: 443, PublishedPort: 30443, PublishMode: 'ingress' },
      ],
    },
  });
  const { body } = containerConfig({
    task: task(svc, node()),
    service: svc,
    node: node(),
    clusterID: 'c',
    networks: [],
  });
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(body.HostConfig.PortBindings, {
    '80/tcp': [{ HostPort: '8080' }],
    '53/udp': [{ HostPort: '' }],
  });
  assert.equal('PortBindings' in configOf().body.HostConfig, false);
});

test('LogDriver becomes LogConfig', () => {
  const { HostConfig } = configOf(
    {},
    { LogDriver: { Name: 'json-file', Options: { 'max-size': '1m' } } },
  ).body;
  assert.deepEqual(HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '1m' } });
});

test('the first network joins at create with the service name and spec aliases; the rest join later', () => {
  const front = clusterNetwork('front', 'netA');
  const back = clusterNetwork('back', 'netB');
  const i = input({}, { Networks: [{ Target: 'netA', Aliases: ['www'] }, { Target: 'back' }] });
  i.networks = [front, back];
  const config = containerConfig(i);
  assert.equal(config.body.HostConfig.NetworkMode, 'front');
  assert.deepEqual(config.body.NetworkingConfig, { EndpointsConfig: { front: { Aliases: ['web', 'www'] } } });
  assert.deepEqual(config.laterNetworks, [{ network: 'back', aliases: ['web'] }]);
  const none = configOf();
  assert.equal('NetworkingConfig' in none.body, false);
  assert.deepEqual(none.laterNetworks, []);
});

test('Swarm templates expand in Hostname, Env and mounts; unknown ones are refused', () => {
  const { body } = configOf({
    Hostname: '{{.Node.Hostname}}-{{.Service.Name}}-{{.Task.Slot}}',
    Env: ['TASK={{ .Task.Name }}', 'OS={{.Node.Platform.OS}}'],
    Mounts: [{ Type: 'bind', Source: '/srv/{{.Task.Slot}}', Target: '/data' }],
  });
  assert.equal(body.Hostname, 'node1-web-1');
  assert.deepEqual(body.Env, ['TASK=web.1.task1id', 'OS=linux']);
  assert.equal(body.HostConfig.Mounts?.[0]?.Source, '/srv/1');
  assert.throws(
    () => configOf({ Env: ['X={{if .Foo}}y{{end}}'] }),
    /ContainerSpec.Env\[0\]: unsupported template/,
  );
});

test('a task for another node or service is refused', () => {
  const i = input();
  i.task.NodeID = 'elsewhere';
  assert.throws(
    () => containerConfig(i),
    (e: Error & { status?: number }) => e.status === 400 && /node elsewhere/.test(e.message),
  );
  const j = input();
  j.task.ServiceID = 'other';
  assert.throws(() => containerConfig(j), /service other/);
});

function pick<T extends object, K extends keyof T>(object: T, ...keys: K[]): Partial<Pick<T, K>> {
  const result: Partial<Pick<T, K>> = {};
  for (const key of keys) if (key in object) result[key] = object[key];
  return result;
}
