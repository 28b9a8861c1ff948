import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadStack } from '../../../agent/compose';
import { shellSplit } from '../../../agent/compose/convert/environment';
import { parseCpus, parseDuration, parseSize } from '../../../agent/compose/convert/units';
import type { ServiceSpec } from '../../../agent/types/swarm';
import { errors, fixtureFiles, lines, load, specOf, warnings } from './helpers';

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

function service(...deploy: string[]) {
  return load(['services:', '  web:', '    image: nginx', ...deploy].join('\n'));
}

test('deploy.mode and replicas: each mode, and replicas with a global mode is an error', () => {
  assert.deepEqual(specOf(service(), 'web').Mode, { Replicated: {} });
  assert.deepEqual(specOf(service('    deploy: {}'), 'web').Mode, { Replicated: {} });
  assert.deepEqual(specOf(service('    deploy:', '      replicas: 0'), 'web').Mode, {
    Replicated: { Replicas: 0 },
  });
  assert.deepEqual(specOf(service('    deploy: { mode: global }'), 'web').Mode, { Global: {} });
  assert.deepEqual(specOf(service('    deploy: { mode: global-job }'), 'web').Mode, { GlobalJob: {} });
  assert.deepEqual(specOf(service('    deploy: { mode: replicated-job }'), 'web').Mode, {
    ReplicatedJob: {},
  });
  assert.deepEqual(errors(service('    deploy:', '      mode: global', '      replicas: 3')), [
    '6:7 error services.web.deploy.replicas: replicas can only be used with replicated or replicated-job mode, not global',
  ]);
  assert.deepEqual(errors(service('    deploy:', '      mode: global-job', '      replicas: 3')), [
    '6:7 error services.web.deploy.replicas: replicas can only be used with replicated or replicated-job mode, not global-job',
  ]);
});

test('deploy.labels are service labels; labels are container labels; both get the stack label', () => {
  const spec = specOf(
    service(
      '    labels: [tier=front, plain]',
      '    deploy:',
      '      labels:',
      '        com.example.owner: ops',
      '        com.docker.stack.namespace: forged',
    ),
    'web',
  );
  assert.deepEqual(spec.Labels, {
    'com.example.owner': 'ops',
    'com.docker.stack.namespace': 'demo',
    'com.docker.stack.image': 'nginx',
  });
  assert.deepEqual(spec.TaskTemplate.ContainerSpec.Labels, {
    tier: 'front',
    plain: '',
    'com.docker.stack.namespace': 'demo',
  });
});

test('deploy.endpoint_mode is lower-cased; anything but vip or dnsrr is an error', () => {
  assert.deepEqual(specOf(service('    deploy: { endpoint_mode: DNSRR }'), 'web').EndpointSpec, {
    Mode: 'dnsrr',
  });
  assert.deepEqual(errors(service('    deploy: { endpoint_mode: roundrobin }')), [
    '4:30 error services.web.deploy.endpoint_mode must be "vip" or "dnsrr", got "roundrobin"',
  ]);
});

test('update_config and rollback_config: parallelism defaults to 1 when the block is there', () => {
  const spec = specOf(
    service('    deploy:', '      update_config: { order: start-first }', '      rollback_config: {}'),
    'web',
  );
  assert.deepEqual(spec.UpdateConfig, { Parallelism: 1, Order: 'start-first' });
  assert.deepEqual(spec.RollbackConfig, { Parallelism: 1 });
  assert.equal(specOf(service(), 'web').UpdateConfig, undefined);
  assert.deepEqual(
    specOf(service('    deploy:', '      update_config: { parallelism: 0, delay: 1m }'), 'web').UpdateConfig,
    { Parallelism: 0, Delay: 60e9 },
  );
});

test('a rollback that rolls back is refused by the agent, at failure_action', () => {
  assert.deepEqual(
    errors(service('    deploy:', '      rollback_config:', '        failure_action: rollback')),
    [
      '6:25 error services.web.deploy.rollback_config.failure_action: not accepted by the Shoal agent: must be "pause" or "continue": a rollback is never rolled back',
    ],
  );
});

test('restart_policy, and the legacy restart key when it is absent', () => {
  const policy = (...lines: string[]) => specOf(service(...lines), 'web').TaskTemplate.RestartPolicy;
  assert.deepEqual(policy('    deploy:', '      restart_policy: { condition: none }'), { Condition: 'none' });
  assert.deepEqual(policy('    restart: always'), { Condition: 'any' });
  assert.deepEqual(policy('    restart: unless-stopped'), { Condition: 'any' });
  assert.deepEqual(policy('    restart: on-failure'), { Condition: 'on-failure' });
  assert.deepEqual(policy('    restart: on-failure:3'), { Condition: 'on-failure', MaxAttempts: 3 });
  assert.deepEqual(policy('    restart: "no"'), { Condition: 'none' });
  assert.deepEqual(warnings(service('    restart: "no"')), [
    '4:5 warning services.web.restart: used as deploy.restart_policy (condition: none); docker stack deploy would ignore "no" and restart the tasks: prefer deploy.restart_policy',
  ]);
  const both = service(
    '    restart: always',
    '    deploy:',
    '      restart_policy: { condition: on-failure }',
  );
  assert.deepEqual(specOf(both, 'web').TaskTemplate.RestartPolicy, { Condition: 'on-failure' });
  assert.deepEqual(warnings(both), [
    '4:5 warning services.web.restart: ignored: services.web.deploy.restart_policy takes precedence',
  ]);
  assert.deepEqual(errors(service('    restart: always:3')), [
    '4:14 error services.web.restart: invalid restart policy "always:3": use "no", "always", "unless-stopped" or "on-failure[:max-retries]" (or deploy.restart_policy)',
  ]);
});

test('negative durations are errors at the key', () => {
  assert.deepEqual(
    errors(service('    stop_grace_period: -5s', '    deploy:', '      update_config: { delay: -1s }')),
    [
      '4:24 error services.web.stop_grace_period must not be negative, got "-5s"',
      '6:31 error services.web.deploy.update_config.delay must not be negative, got "-1s"',
    ],
  );
});

test('resources: generic resources are refused (Shoal has none)', () => {
  assert.deepEqual(
    errors(
      service(
        '    deploy:',
        '      resources:',
        '        reservations:',
        '          generic_resources:',
        '            - discrete_resource_spec: { kind: gpu, value: 1 }',
      ),
    ),
    [
      '7:11 error services.web.deploy.resources.reservations.generic_resources: generic resources are not supported by Shoal',
    ],
  );
});

test('placement: constraints are checked one by one with the scheduler, preferences need node or engine labels', () => {
  const result = service(
    '    deploy:',
    '      placement:',
    '        constraints: [node.role, node.labels.ok == yes, "bad key! == x"]',
    '        preferences:',
    '          - spread: node.labels.rack',
    '          - spread: datacenter',
  );
  assert.deepEqual(errors(result), [
    '6:23 error services.web.deploy.placement.constraints[0]: invalid constraint expression "node.role": expected ==, !=, ==~ or !=~',
    '6:57 error services.web.deploy.placement.constraints[2]: invalid constraint expression "bad key! == x": expected ==, !=, ==~ or !=~',
    '9:21 error services.web.deploy.placement.preferences[1].spread: not accepted by the Shoal agent: "datacenter" must be node.labels.<key> or engine.labels.<key>',
  ]);
});

function web(...keys: string[]) {
  return load(['services:', '  web:', '    image: nginx', ...keys].join('\n'));
}
const container = (...keys: string[]) => specOf(web(...keys), 'web').TaskTemplate.ContainerSpec;

test('command and entrypoint: a string is split like a shell, a list is kept as is', () => {
  assert.deepEqual(shellSplit(`echo "hello world" 'it''s' a\\ b # comment`), {
    words: ['echo', 'hello world', 'its', 'a b'],
  });
  assert.deepEqual(shellSplit('sh -c "echo \\"quoted\\" \\$HOME"'), {
    words: ['sh', '-c', 'echo "quoted" $HOME'],
  });
  assert.deepEqual(shellSplit(''), { words: [] });
  assert.deepEqual(shellSplit('echo "open'), { error: 'the command has an unclosed double quote' });
  const spec = container('    entrypoint: ["/bin/sh", "-c"]', '    command: "echo $$HOME"');
  assert.deepEqual(spec.Command, ['/bin/sh', '-c']);
  assert.deepEqual(spec.Args, ['echo', '$HOME']);
  assert.deepEqual(errors(web("    command: echo 'unclosed")), [
    '4:14 error services.web.command: the command has an unclosed single quote',
  ]);
});

test('healthcheck: a string test runs in a shell; disable is NONE; disable with a test is an error', () => {
  assert.deepEqual(
    container('    healthcheck:', '      test: curl -f http://localhost || exit 1').Healthcheck,
    {
      Test: ['CMD-SHELL', 'curl -f http://localhost || exit 1'],
    },
  );
  assert.deepEqual(container('    healthcheck:', '      disable: true').Healthcheck, { Test: ['NONE'] });
  assert.deepEqual(container('    healthcheck:', '      test: ["NONE"]').Healthcheck, { Test: ['NONE'] });
  assert.deepEqual(container('    healthcheck:', '      interval: 1m', '      retries: 5').Healthcheck, {
    Interval: 60e9,
    Retries: 5,
  });
  assert.deepEqual(errors(web('    healthcheck:', '      disable: true', '      test: ["CMD", "true"]')), [
    '5:16 error services.web.healthcheck: test and disable cannot be set at the same time',
  ]);
  assert.deepEqual(errors(web('    healthcheck:', '      test: ["curl", "-f", "http://localhost"]')), [
    '5:14 error services.web.healthcheck.test must start with "CMD", "CMD-SHELL" or "NONE" (a string runs in a shell), got "curl"',
  ]);
});

test('extra_hosts: list or mapping, as swarm "IP host" lines', () => {
  assert.deepEqual(container('    extra_hosts: ["db:10.0.0.2", "v6:::1"]').Hosts, ['10.0.0.2 db', '::1 v6']);
  assert.deepEqual(container('    extra_hosts:', '      z: 10.0.0.9', '      a: 10.0.0.1').Hosts, [
    '10.0.0.1 a',
    '10.0.0.9 z',
  ]);
  assert.deepEqual(errors(web('    extra_hosts: ["nohost"]')), [
    '4:19 error services.web.extra_hosts[0]: "nohost" must be host:ip',
  ]);
});

test('dns and dns_search: a string or a list; nameservers must be IP addresses', () => {
  assert.deepEqual(container('    dns: 9.9.9.9', '    dns_search: [a.example, b.example]').DNSConfig, {
    Nameservers: ['9.9.9.9'],
    Search: ['a.example', 'b.example'],
  });
  assert.deepEqual(errors(web('    dns: [1.1.1.1, dns.google]')), [
    '4:20 error services.web.dns[1]: "dns.google" is not an IP address',
  ]);
});

test('ulimits, sysctls, logging, init, tty and friends', () => {
  const spec = container(
    '    ulimits: { nofile: { soft: 1024, hard: 2048 }, core: 0 }',
    '    sysctls: [net.ipv4.tcp_syncookies=1, net.core.somaxconn]',
    '    logging:',
    '      driver: syslog',
    '      options: { syslog-address: "udp://10.0.0.1:514", tag: null }',
    '    init: false',
    '    tty: true',
    '    stdin_open: false',
    '    read_only: false',
    '    stop_signal: SIGTERM',
    '    stop_grace_period: 2s',
    '    user: nobody',
    '    working_dir: /app',
    '    hostname: box',
    '    oom_score_adj: -500',
  );
  assert.deepEqual(spec.Ulimits, [
    { Name: 'core', Soft: 0, Hard: 0 },
    { Name: 'nofile', Soft: 1024, Hard: 2048 },
  ]);
  assert.deepEqual(spec.Sysctls, { 'net.ipv4.tcp_syncookies': '1', 'net.core.somaxconn': '' });
  assert.equal(spec.Init, false, 'init: false overrides the engine default, so it is kept');
  assert.equal(spec.TTY, true);
  assert.equal(spec.OpenStdin, undefined);
  assert.equal(spec.ReadOnly, undefined);
  assert.equal(spec.StopSignal, 'SIGTERM');
  assert.equal(spec.StopGracePeriod, 2e9);
  assert.equal(spec.User, 'nobody');
  assert.equal(spec.Dir, '/app');
  assert.equal(spec.Hostname, 'box');
  assert.equal(spec.OomScoreAdj, -500);
  assert.deepEqual(
    specOf(web('    logging:', '      driver: syslog', '      options: { tag: web }'), 'web').TaskTemplate
      .LogDriver,
    {
      Name: 'syslog',
      Options: { tag: 'web' },
    },
  );
  const noDriver = web('    logging:', '      options: { max-size: 10m }');
  assert.equal(specOf(noDriver, 'web').TaskTemplate.LogDriver, undefined);
  assert.deepEqual(warnings(noDriver), [
    '5:7 warning services.web.logging.options: ignored: logging options need logging.driver',
  ]);
});

test('capabilities: normalized, ALL alone, an added one is not dropped', () => {
  const spec = container('    cap_add: [chown, CAP_KILL, CAP_CHOWN]', '    cap_drop: [ALL, net_raw]');
  assert.deepEqual(spec.CapabilityAdd, ['CAP_CHOWN', 'CAP_KILL']);
  assert.deepEqual(spec.CapabilityDrop, ['ALL']);
});

test('image is required, and an empty image is an error at the value', () => {
  assert.deepEqual(errors(load('services:\n  web:\n    command: ["x"]\n')), [
    '2:3 error services.web: image is required: docker stack deploy runs images, it does not build them',
  ]);
  assert.deepEqual(errors(load('services:\n  web:\n    image: ""\n')), [
    '3:12 error services.web: image is required: docker stack deploy runs images, it does not build them',
  ]);
});

test('durations are Go durations, in nanoseconds', () => {
  assert.equal(parseDuration('10s'), 10e9);
  assert.equal(parseDuration('1m30s'), 90e9);
  assert.equal(parseDuration('500ms'), 5e8);
  assert.equal(parseDuration('1.5h'), 5400e9);
  assert.equal(parseDuration('2h45m'), (2 * 3600 + 45 * 60) * 1e9);
  assert.equal(parseDuration('100us'), 1e5);
  assert.equal(parseDuration('100µs'), 1e5);
  assert.equal(parseDuration('7ns'), 7);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('-5s'), -5e9);
  assert.equal(parseDuration('.5s'), 5e8);
  for (const bad of ['', '10', 's', '10x', '1d', '10 s', '1m30', 'ten seconds']) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
});

test('sizes take b, k, kb, m, mb, g, gb (any case) as powers of 1024', () => {
  assert.equal(parseSize('100'), 100);
  assert.equal(parseSize('100b'), 100);
  assert.equal(parseSize('1k'), 1024);
  assert.equal(parseSize('1kb'), 1024);
  assert.equal(parseSize('512M'), 512 * 2 ** 20);
  assert.equal(parseSize('512mb'), 512 * 2 ** 20);
  assert.equal(parseSize('1g'), 2 ** 30);
  assert.equal(parseSize('1GB'), 2 ** 30);
  assert.equal(parseSize('1GiB'), 2 ** 30);
  assert.equal(parseSize('1.5g'), 1.5 * 2 ** 30);
  assert.equal(parseSize(2048), 2048);
  for (const bad of ['', 'lots', '1x', '-1m', '1 g b', 1.5, -1])
    assert.equal(parseSize(bad), undefined, String(bad));
});

test('CPUs become NanoCPUs exactly, with at most nine decimals', () => {
  assert.equal(parseCpus('0.5'), 500_000_000);
  assert.equal(parseCpus(0.25), 250_000_000);
  assert.equal(parseCpus('2'), 2_000_000_000);
  assert.equal(parseCpus('0.000000001'), 1);
  assert.equal(parseCpus('1.10'), 1_100_000_000);
  for (const bad of ['', 'half', '-1', '0.0000000001', '1e3']) assert.equal(parseCpus(bad), undefined, bad);
});
