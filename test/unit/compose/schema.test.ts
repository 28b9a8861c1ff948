import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors, lines, load, specOf, warnings } from './helpers';

function errorsOf(...text: string[]): string[] {
  return errors(load(text.join('\n')));
}

test('unknown keys are errors at the key, with a suggestion when one is close', () => {
  assert.deepEqual(
    errorsOf(
      'servces: {}',
      'services:',
      '  web:',
      '    imagee: nginx',
      '    image: nginx',
      '    deploy:',
      '      replica: 2',
      '      resources:',
      '        limits: { memory: 1g, swap: 1g }',
      'networks:',
      '  n:',
      '    drivr: overlay',
    ),
    [
      '1:1 error unknown top-level key "servces" (did you mean "services"?)',
      '4:5 error services.web: unknown key "imagee" (did you mean "image"?)',
      '7:7 error services.web.deploy: unknown key "replica" (did you mean "replicas"?)',
      '9:31 error services.web.deploy.resources.limits: unknown key "swap"',
      '12:5 error networks.n: unknown key "drivr" (did you mean "driver"?)',
    ],
  );
});

test('keys of the Compose specification that docker stack deploy does not know are named as such', () => {
  assert.deepEqual(
    errorsOf('services:', '  web:', '    image: nginx', '    platform: linux/amd64', '    volume: x'),
    [
      '4:5 error services.web: unknown key "platform": it is part of the Compose specification, but docker stack deploy (compose file format 3) does not support it',
      '5:5 error services.web: unknown key "volume" (did you mean "volumes"?)',
    ],
  );
});

test('x- extension fields are allowed at the top level and in services, networks and volumes', () => {
  const result = load(
    [
      'version: "3.8"',
      'x-top: { anything: [1, 2] }',
      'services:',
      '  web:',
      '    image: nginx',
      '    x-note: hello',
      'networks:',
      '  n:',
      '    x-meta: 1',
      'volumes:',
      '  v:',
      '    x-meta: 1',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), []);
  assert.ok(specOf(result, 'web'));
});

test('type errors say what is expected and what was found, at the value', () => {
  assert.deepEqual(
    errorsOf(
      'services:',
      '  web:',
      '    image: nginx',
      '    environment: 5',
      '    command: { a: 1 }',
      '    read_only: "yes"',
      '    dns: [1]',
      '    stop_grace_period: 10',
      '    deploy:',
      '      replicas: two',
      '      mode: globall',
      '      resources:',
      '        limits:',
      '          memory: lots',
      '          cpus: half',
      '      update_config:',
      '        max_failure_ratio: 2',
      '        order: random',
      '    healthcheck:',
      '      interval: 10x',
      '      retries: -1',
    ),
    [
      '4:18 error services.web.environment must be a mapping or a list of strings, got 5',
      '5:14 error services.web.command must be a string or a list of strings, got a mapping',
      '6:16 error services.web.read_only must be true or false, got "yes"',
      '7:11 error services.web.dns[0] must be a string, got 1',
      '8:24 error services.web.stop_grace_period must be a duration such as 10s, 1m30s or 500ms, got 10',
      '10:17 error services.web.deploy.replicas must be an integer, got "two"',
      '11:13 error services.web.deploy.mode must be one of "replicated", "global", "replicated-job", "global-job", got "globall"',
      '14:19 error services.web.deploy.resources.limits.memory: "lots" is not a size such as 512m, 1g or 1024 (bytes; units b, k, m, g)',
      '15:17 error services.web.deploy.resources.limits.cpus: "half" is not a number of CPUs such as 0.5 or 2',
      '17:28 error services.web.deploy.update_config.max_failure_ratio must be at most 1, got 2',
      '18:16 error services.web.deploy.update_config.order must be one of "start-first", "stop-first", got "random"',
      '20:17 error services.web.healthcheck.interval: "10x" is not a duration such as 10s, 1m30s or 500ms',
      '21:16 error services.web.healthcheck.retries must be at least 0, got -1',
    ],
  );
});

test('missing required keys, bad names and repeated entries', () => {
  assert.deepEqual(
    errorsOf(
      'services:',
      '  "my web":',
      '    image: nginx',
      '  api:',
      '    image: api',
      '    volumes:',
      '      - source: ./data',
      '        target: /data',
      '    ports:',
      '      - published: 80',
      '        mode: host',
      '    cap_add: [NET_ADMIN, NET_ADMIN]',
      '    ulimits:',
      '      NOFILE: 10',
    ),
    [
      '2:3 error services: invalid name "my web": use letters, digits, ".", "_" and "-"',
      '7:9 error services.api.volumes[0]: missing required key "type"',
      '10:9 error services.api.ports[0]: missing required key "target"',
      '12:26 error services.api.cap_add: entry [1] repeats entry [0]',
      '14:7 error services.api.ulimits: invalid name "NOFILE": ulimit names are lower-case letters, such as nofile',
    ],
  );
});

test('CPU and memory may be numbers or strings (the Compose specification allows both)', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    deploy:',
      '      resources:',
      '        limits: { cpus: 1.5, memory: 1073741824 }',
      '        reservations: { cpus: "0.1", memory: 64m }',
    ].join('\n'),
  );
  assert.deepEqual(specOf(result, 'web').TaskTemplate.Resources, {
    Limits: { NanoCPUs: 1.5e9, MemoryBytes: 2 ** 30 },
    Reservations: { NanoCPUs: 1e8, MemoryBytes: 64 * 2 ** 20 },
  });
});

test('a file with no services is an error; top-level name is ignored with a warning', () => {
  assert.deepEqual(errorsOf('version: "3"', 'services: {}'), [
    '2:1 error services: the compose file defines no services',
  ]);
  assert.deepEqual(errorsOf('networks: {}'), ['1:1 error services: the compose file defines no services']);
  const named = load('name: mine\nservices:\n  web:\n    image: nginx\n');
  assert.deepEqual(
    named.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.message}`),
    ['1:1 warning name: ignored: the stack is named when it is deployed'],
  );
});

test('forbidden keys are errors at the key, each with what to write instead', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    extends: base',
      '    volume_driver: local',
      '    volumes_from: [db]',
      '    cpu_quota: 50000',
      '    cpu_shares: 512',
      '    cpuset: "0,1"',
      '    mem_limit: 1g',
      '    memswap_limit: 2g',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '4:5 error services.web.extends: not supported by docker stack deploy: share settings with YAML anchors and merge keys (<<: *defaults) instead',
    '5:5 error services.web.volume_driver: not supported by docker stack deploy: define the volume under the top-level volumes key and set its driver there, then list it in the service',
    "6:5 error services.web.volumes_from: not supported by docker stack deploy: to share a volume, define it under the top-level volumes key and list it in each service's volumes",
    '7:5 error services.web.cpu_quota: not supported by docker stack deploy: set CPU limits with deploy.resources.limits.cpus',
    '8:5 error services.web.cpu_shares: not supported by docker stack deploy: reserve CPU with deploy.resources.reservations.cpus',
    '9:5 error services.web.cpuset: not supported by docker stack deploy: set CPU limits with deploy.resources.limits.cpus (swarm services cannot pin CPUs)',
    '10:5 error services.web.mem_limit: not supported by docker stack deploy: use deploy.resources.limits.memory',
    '11:5 error services.web.memswap_limit: not supported by docker stack deploy: swarm services have no swap limit; use deploy.resources.limits.memory',
  ]);
  assert.equal(result.stack, undefined);
  assert.equal(result.diagnostics[0]?.endColumn, 12, 'the range covers the key');
});

test('ignored and deprecated keys are one warning each, at the key; the stack still loads', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    build: .',
      '    cgroup_parent: x',
      '    devices: ["/dev/fuse"]',
      '    links: [db]',
      '    network_mode: host',
      '    privileged: true',
      '    security_opt: [no-new-privileges]',
      '    shm_size: 64m',
      '    container_name: web1',
      '    expose: [80]',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), []);
  assert.deepEqual(warnings(result), [
    '4:5 warning services.web.build: ignored: not supported by docker stack deploy (images are not built by docker stack deploy: build and push the image first, then set image)',
    '5:5 warning services.web.cgroup_parent: ignored: not supported by docker stack deploy',
    '6:5 warning services.web.devices: ignored: not supported by docker stack deploy',
    '7:5 warning services.web.links: ignored: not supported by docker stack deploy (services on a shared network reach each other by service name)',
    '8:5 warning services.web.network_mode: ignored: not supported by docker stack deploy (services attach to networks through the networks key)',
    '9:5 warning services.web.privileged: ignored: not supported by docker stack deploy (swarm services cannot run privileged)',
    '10:5 warning services.web.security_opt: ignored: not supported by docker stack deploy',
    '11:5 warning services.web.shm_size: ignored: not supported by docker stack deploy',
    '12:5 warning services.web.container_name: ignored: setting the container name is not supported: tasks are named <stack>_<service>.<slot>.<id>',
    "13:5 warning services.web.expose: ignored: exposing ports is unnecessary: services on the same network can reach each other's containers on any port",
  ]);
  assert.ok(specOf(result, 'web'));
});

test('keys docker stack deploy drops without a word get a warning saying why', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    depends_on:',
      '      db:',
      '        condition: service_healthy',
      '    tmpfs: /run',
      '    group_add: [audio]',
      '    networks:',
      '      back:',
      '        ipv4_address: 10.0.0.10',
      'networks:',
      '  back:',
    ].join('\n'),
  );
  assert.deepEqual(lines(result.diagnostics), [
    '4:5 warning services.web.depends_on: ignored: docker stack deploy starts all services at once, in no order: make each service wait for or retry what it needs',
    '7:5 warning services.web.tmpfs: ignored: docker stack deploy does not convert service-level tmpfs: use a volumes entry with type: tmpfs',
    '8:5 warning services.web.group_add: ignored: docker stack deploy does not pass supplementary groups to swarm services',
    '11:9 warning services.web.networks.back.ipv4_address: ignored: docker stack deploy does not set static addresses',
  ]);
});

test('compose file formats 1 and 2 are refused, as docker stack deploy does', () => {
  assert.deepEqual(errorsOf('version: "2.4"', 'services:', '  web:', '    image: nginx'), [
    '1:10 error version: compose file format 2.4 is not supported by docker stack deploy: use version "3.8" (or leave version out)',
  ]);
  assert.deepEqual(errorsOf('version: 3.8', 'services:', '  web:', '    image: nginx'), []);
});

test('a file full of errors lists the first 500 and counts the rest', () => {
  // 600 unknown keys, and the warning that the services share the default network.
  const services = Array.from({ length: 600 }, (_, i) => `  s${i}: { image: x, bogus: 1 }`);
  const result = load(['services:', ...services].join('\n'));
  assert.equal(result.stack, undefined);
  assert.equal(result.diagnostics.length, 501);
  assert.equal(result.diagnostics[500]?.message, '101 more problems not listed (only the first 500 are)');
  assert.equal(result.diagnostics[500]?.severity, 'error');
});
