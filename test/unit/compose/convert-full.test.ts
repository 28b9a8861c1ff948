import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadStack } from '../../../agent/compose';
import type { ServiceSpec } from '../../../agent/types/swarm';
import { fixtureFiles, lines, warnings } from './helpers';

/**
 * test/fixtures/compose/full uses every key docker stack deploy converts. The expected specs are what
 * docker/cli's cli/compose/convert (Service, Networks, Volumes) builds for the same file, written out by
 * hand, with Shoal's normalizations: fields Docker sends empty are left out, and a port's protocol is
 * always spelled (tcp when the file does not say).
 */
const NS = 'com.docker.stack.namespace';
const SECOND = 1e9;

function loadFull() {
  const files = fixtureFiles('full', 'docker-compose.yml', ['web.env']);
  // The client's environment wins over .env (WEB_REPLICAS=3 there).
  return loadStack('demo', files, { WEB_REPLICAS: '4', FROM_CLIENT: 'yes' });
}

test('the full fixture loads, with only the expected warnings', () => {
  const result = loadFull();
  assert.deepEqual(lines(result.diagnostics, 'error'), []);
  assert.deepEqual(warnings(result), [
    '118:5 warning services.worker.restart: used as deploy.restart_policy (condition: on-failure, max_attempts: 5): prefer deploy.restart_policy',
    '139:3 warning networks.back: services web and worker share this network; until discovery lands, Shoal resolves service names only between tasks on the same node',
  ]);
  assert.ok(result.stack);
  assert.deepEqual(
    result.stack.services.map((s) => [s.key, s.name]),
    [
      ['web', 'demo_web'],
      ['worker', 'demo_worker'],
      ['cron', 'demo_cron'],
    ],
  );
});

test('web: every service and deploy key, as docker stack deploy converts them', () => {
  const web = loadFull().stack?.services.find((s) => s.key === 'web')?.spec;
  const expected: ServiceSpec = {
    Name: 'demo_web',
    Labels: { 'com.example.service': 'web', [NS]: 'demo', 'com.docker.stack.image': 'nginx:1.27-alpine' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'nginx:1.27-alpine',
        Labels: { 'com.example.team': 'web', [NS]: 'demo' },
        Command: ['/docker-entrypoint.sh'],
        Args: ['nginx', '-g', 'daemon off;'],
        Env: [
          'FROM_CLIENT=yes',
          'LOG_LEVEL=info',
          'MODE=production',
          'PRICE=$5',
          'QUOTED=kept as text',
          'REPLICAS_SEEN=4',
        ],
        Hostname: 'web-host',
        Dir: '/usr/share/nginx',
        User: '101:101',
        StopSignal: 'SIGQUIT',
        OpenStdin: true,
        ReadOnly: true,
        Init: true,
        StopGracePeriod: 90 * SECOND,
        Mounts: [
          {
            Type: 'volume',
            Source: 'demo_static',
            Target: '/usr/share/nginx/html',
            ReadOnly: true,
            VolumeOptions: {
              NoCopy: true,
              Labels: { 'com.example.volume': 'static', [NS]: 'demo' },
              DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/srv/static' } },
            },
          },
          { Type: 'bind', Source: '/proj/conf', Target: '/etc/nginx/conf.d', ReadOnly: true },
          { Type: 'tmpfs', Target: '/var/cache/nginx', TmpfsOptions: { SizeBytes: 64 * 2 ** 20 } },
        ],
        Healthcheck: {
          Test: ['CMD', 'curl', '-f', 'http://localhost'],
          Interval: 30 * SECOND,
          Timeout: 5 * SECOND,
          Retries: 3,
          StartPeriod: 10 * SECOND,
          StartInterval: 2 * SECOND,
        },
        Hosts: ['10.0.0.5 db.local'],
        DNSConfig: { Nameservers: ['1.1.1.1', '8.8.8.8'], Search: ['example.com'] },
        Sysctls: { 'net.core.somaxconn': '1024' },
        CapabilityAdd: ['CAP_NET_BIND_SERVICE'],
        CapabilityDrop: ['CAP_MKNOD'],
        Ulimits: [
          { Name: 'nofile', Soft: 20000, Hard: 40000 },
          { Name: 'nproc', Soft: 65535, Hard: 65535 },
        ],
        OomScoreAdj: 100,
      },
      Resources: {
        Limits: { NanoCPUs: 0.5 * SECOND, MemoryBytes: 512 * 2 ** 20, Pids: 200 },
        Reservations: { NanoCPUs: 0.25 * SECOND, MemoryBytes: 2 ** 30 },
      },
      RestartPolicy: { Condition: 'on-failure', Delay: 5 * SECOND, MaxAttempts: 3, Window: 120 * SECOND },
      Placement: {
        Constraints: ['node.labels.zone == a', 'node.role != manager'],
        Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.rack' } }],
        MaxReplicas: 2,
      },
      Networks: [
        { Target: 'demo_back', Aliases: ['web'] },
        { Target: 'demo_front', Aliases: ['www', 'web'] },
      ],
      LogDriver: { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '3' } },
    },
    Mode: { Replicated: { Replicas: 4 } },
    UpdateConfig: {
      Parallelism: 2,
      Delay: 10 * SECOND,
      FailureAction: 'rollback',
      Monitor: 0.5 * SECOND,
      MaxFailureRatio: 0.1,
      Order: 'start-first',
    },
    RollbackConfig: { Parallelism: 1, FailureAction: 'continue' },
    EndpointSpec: {
      Mode: 'vip',
      Ports: [
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' },
        { Protocol: 'tcp', TargetPort: 443, PublishedPort: 8443, PublishMode: 'host' },
      ],
    },
  };
  assert.deepEqual(web, expected);
});

test('worker and cron: shell-split command, legacy restart, global and replicated-job modes', () => {
  const services = loadFull().stack?.services ?? [];
  assert.deepEqual(services.find((s) => s.key === 'worker')?.spec, {
    Name: 'demo_worker',
    Labels: { [NS]: 'demo', 'com.docker.stack.image': 'example/worker:2' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'example/worker:2',
        Labels: { [NS]: 'demo' },
        Args: ['python', '-m', 'worker', '--queue', 'high priority'],
        // DEBUG has no value and the client's environment has none: Docker keeps the bare name.
        Env: ['DEBUG', 'QUEUE=jobs'],
      },
      RestartPolicy: { Condition: 'on-failure', MaxAttempts: 5 },
      Networks: [
        { Target: 'demo_back', Aliases: ['worker'] },
        { Target: 'shared-net', Aliases: ['worker'] },
      ],
    },
    Mode: { Global: {} },
  } satisfies ServiceSpec);
  assert.deepEqual(services.find((s) => s.key === 'cron')?.spec, {
    Name: 'demo_cron',
    Labels: { [NS]: 'demo', 'com.docker.stack.image': 'example/cron' },
    TaskTemplate: {
      ContainerSpec: { Image: 'example/cron', Labels: { [NS]: 'demo' } },
      Networks: [{ Target: 'demo_default', Aliases: ['cron'] }],
    },
    Mode: { ReplicatedJob: { MaxConcurrent: 3, TotalCompletions: 3 } },
  } satisfies ServiceSpec);
});

test('networks: only the used ones, created as overlay with the stack label; external ones as they are', () => {
  assert.deepEqual(loadFull().stack?.networks, [
    {
      key: 'front',
      name: 'demo_front',
      external: false,
      spec: {
        Name: 'demo_front',
        Driver: 'overlay',
        Labels: { 'com.example.net': 'front', [NS]: 'demo' },
        Options: { encrypted: 'true' },
        Attachable: true,
      },
    },
    {
      key: 'back',
      name: 'demo_back',
      external: false,
      spec: {
        Name: 'demo_back',
        Driver: 'overlay',
        Labels: { [NS]: 'demo' },
        Internal: true,
        IPAM: { Config: [{ Subnet: '10.20.0.0/24' }] },
      },
    },
    {
      key: 'outside',
      name: 'shared-net',
      external: true,
      spec: { Name: 'shared-net', Driver: 'overlay', Labels: {} },
    },
    {
      key: 'default',
      name: 'demo_default',
      external: false,
      spec: { Name: 'demo_default', Driver: 'overlay', Labels: { [NS]: 'demo' } },
    },
  ]);
});
