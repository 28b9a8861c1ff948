import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadStack, validateStackName } from '../../../agent/compose';
import { validateServiceSpec } from '../../../agent/orchestrator/spec/validate';
import { validateConstraints } from '../../../agent/scheduler';
import { errors, fixtureFiles, FIXTURES, lines, load, warnings } from './helpers';

test('secrets, configs and credential specs are errors at the key: Shoal cannot honour them yet', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    secrets: [token]',
      '    configs:',
      '      - source: conf',
      '        target: /etc/conf',
      '    credential_spec: { file: spec.json }',
      'secrets:',
      '  token: { file: ./token.txt }',
      'configs:',
      '  conf: { external: true }',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '4:5 error services.web.secrets: secrets are not supported by Shoal yet (the agent refuses service specs that use them)',
    '5:5 error services.web.configs: configs are not supported by Shoal yet (the agent refuses service specs that use them)',
    '8:5 error services.web.credential_spec: credential specs are not supported by Shoal',
    '9:1 error secrets: secrets are not supported by Shoal yet',
    '11:1 error configs: configs are not supported by Shoal yet',
  ]);
});

test('one warning per stack when services share a network: names resolve only on one node for now', () => {
  const shared = load(
    [
      'services:',
      '  a: { image: a, networks: [n1, n2] }',
      '  b: { image: b, networks: [n1, n2] }',
      '  c: { image: c, networks: [n3] }',
      'networks:',
      '  n1:',
      '  n2:',
      '  n3:',
    ].join('\n'),
  );
  assert.deepEqual(warnings(shared), [
    '6:3 warning networks.n1: services a and b share this network (and on network n2); until discovery lands, Shoal resolves service names only between tasks on the same node',
  ]);
  const byDefault = load('services:\n  a:\n    image: a\n  b:\n    image: b\n');
  assert.deepEqual(warnings(byDefault), [
    "1:1 warning services a and b share the stack's default network; until discovery lands, Shoal resolves service names only between tasks on the same node",
  ]);
  assert.deepEqual(warnings(load('services:\n  a:\n    image: a\n')), [], 'one service shares nothing');
});

test('what the agent refuses in a service spec is an error at the compose key, every one of them', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    cap_add: [NET_ADMIN, sys_admin]',
      '    labels:',
      '      io.shoal.owner: me',
      '    isolation: hyperv',
      '    environment:',
      '      - "=nothing"',
      '  "web.v2":',
      '    image: nginx',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '4:26 error services.web.cap_add[1]: not accepted by the Shoal agent: "CAP_SYS_ADMIN" is refused: it gives the container control of the host',
    '6:23 error services.web.labels["io.shoal.owner"]: not accepted by the Shoal agent: uses a label prefix reserved for Shoal',
    '7:16 error services.web.isolation: not accepted by the Shoal agent: must be one of "default", "", got "hyperv"',
    '9:7 error services.web.environment: not accepted by the Shoal agent: "=nothing" must be NAME=value',
    '10:3 error services["web.v2"]: not accepted by the Shoal agent: "demo_web.v2" is invalid: use letters, digits, "-" and "_", starting and ending with a letter or digit',
  ]);
});

test('errors from every service are collected, in file order, and no stack is returned', () => {
  const result = load(
    [
      'services:',
      '  a:',
      '    image: a',
      '    ports: ["80:80"]',
      '  b:',
      '    build: .',
      '  c:',
      '    image: c',
      '    deploy: { replicas: -1 }',
    ].join('\n'),
  );
  assert.deepEqual(lines(result.diagnostics), [
    "1:1 warning services a, b and c share the stack's default network; until discovery lands, Shoal resolves service names only between tasks on the same node",
    '4:13 error services.a.ports[0]: "80:80" is an ingress port (the short syntax always is); ingress ports need the routing mesh, which Shoal does not have yet: publish with mode: host (long syntax: { target: 80, published: 80, mode: host })',
    '5:3 error services.b: image is required: docker stack deploy runs images, it does not build them (build is ignored: build and push the image, then name it here)',
    '6:5 warning services.b.build: ignored: not supported by docker stack deploy (images are not built by docker stack deploy: build and push the image first, then set image)',
    '9:25 error services.c.deploy.replicas must be at least 0, got -1',
  ]);
  assert.equal(result.stack, undefined);
});

test('stack names: compose project rules, checked before anything else', () => {
  assert.equal(validateStackName('demo'), undefined);
  assert.equal(validateStackName('my-stack_2'), undefined);
  assert.equal(validateStackName(''), 'the stack name is empty');
  assert.equal(
    validateStackName('My Stack'),
    'invalid stack name "My Stack": use lower-case letters, digits, "_" and "-", starting with a letter or digit',
  );
  assert.match(validateStackName('_hidden') ?? '', /^invalid stack name/);
  assert.match(
    validateStackName('x'.repeat(61)) ?? '',
    /^the stack name is too long \(61 characters, at most 60\)/,
  );
  const result = load('services:\n  web:\n    image: nginx\n', { name: 'Bad!' });
  assert.deepEqual(lines(result.diagnostics), [
    '1:1 error invalid stack name "Bad!": use lower-case letters, digits, "_" and "-", starting with a letter or digit',
  ]);
  assert.equal(result.stack, undefined);
});

test('every converted fixture spec passes the agent own validateServiceSpec', () => {
  let checked = 0;
  for (const folder of readdirSync(FIXTURES)) {
    if (!statSync(join(FIXTURES, folder)).isDirectory()) continue;
    const envFiles = readdirSync(join(FIXTURES, folder)).filter((f) => f.endsWith('.env') && f !== '.env');
    const result = loadStack('fixture', fixtureFiles(folder, 'docker-compose.yml', envFiles), {
      WEB_REPLICAS: '2',
    });
    assert.deepEqual(errors(result), [], folder);
    for (const service of result.stack?.services ?? []) {
      assert.doesNotThrow(
        () => validateServiceSpec(structuredClone(service.spec), { validateConstraints }),
        `${folder}: ${service.name}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 5, `checked ${checked} specs`);
});
