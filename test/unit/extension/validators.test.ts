import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultServiceName,
  parseConstraints,
  parseEnv,
  parseEnvChanges,
  parseLabel,
  parsePort,
  parsePorts,
  validateConstraints,
  validateEngineEndpoint,
  validateEnv,
  validateImage,
  validateNetworkName,
  validatePorts,
  validateReplicas,
  validateServiceName,
  validateSubnet,
} from '../../../extension/commands/validators';

test('image references follow Docker grammar', () => {
  for (const good of [
    'nginx',
    'nginx:1.27',
    'shoal/web:latest',
    'library/nginx',
    'registry.example.com:5000/team/app:v1.2.3',
    'localhost:5000/app',
    `alpine@sha256:${'a'.repeat(64)}`,
    `ghcr.io/org/app:1.0@sha256:${'b'.repeat(64)}`,
    'my_app/sub-name__x',
  ]) {
    assert.equal(validateImage(good), undefined, good);
  }
  for (const bad of [
    '',
    ' ',
    'Nginx',
    'nginx:',
    'nginx::1',
    'a b',
    'nginx:-bad',
    '/nginx',
    'nginx/',
    'ngi--nx_',
    'x@sha256:abc',
  ]) {
    assert.notEqual(validateImage(bad), undefined, bad);
  }
});

test('service names are DNS-label-like, unique, at most 63 characters', () => {
  assert.equal(validateServiceName('web'), undefined);
  assert.equal(validateServiceName('web-1_a'), undefined);
  assert.match(validateServiceName('') ?? '', /Enter/);
  assert.notEqual(validateServiceName('-web'), undefined);
  assert.notEqual(validateServiceName('web-'), undefined);
  assert.notEqual(validateServiceName('we b'), undefined);
  assert.notEqual(validateServiceName('web.1'), undefined);
  assert.notEqual(validateServiceName('a'.repeat(64)), undefined);
  assert.match(validateServiceName('web', new Set(['web'])) ?? '', /already exists/);
  assert.equal(defaultServiceName('registry:5000/team/my.app:1.2'), 'my-app');
  assert.equal(defaultServiceName('web', new Set(['web', 'web-2'])), 'web-3');
});

test('ports: PUBLISHED:TARGET[/proto] in host mode', () => {
  assert.deepEqual(parsePort('8080:80'), {
    Protocol: 'tcp',
    TargetPort: 80,
    PublishedPort: 8080,
    PublishMode: 'host',
  });
  assert.deepEqual(parsePort('53:53/udp'), {
    Protocol: 'udp',
    TargetPort: 53,
    PublishedPort: 53,
    PublishMode: 'host',
  });
  assert.deepEqual(parsePort('80'), { Protocol: 'tcp', TargetPort: 80, PublishMode: 'host' });
  assert.equal(parsePorts('').length, 0);
  assert.equal(parsePorts('8080:80, 8443:443').length, 2);
  assert.equal(validatePorts('8080:80 8443:443/tcp'), undefined);
  assert.match(validatePorts('8080') ?? 'ok', /ok/);
  assert.match(validatePorts('80:0') ?? '', /out of range/);
  assert.match(validatePorts('70000:80') ?? '', /out of range/);
  assert.match(validatePorts('a:b') ?? '', /not a port/);
  assert.match(validatePorts('8080:80/icmp') ?? '', /not a port/);
  assert.match(validatePorts('8080:80 8080:81') ?? '', /twice/);
});

test('env: KEY=VALUE pairs', () => {
  assert.deepEqual(parseEnv('A=1 B_2=x=y, EMPTY='), ['A=1', 'B_2=x=y', 'EMPTY=']);
  assert.equal(validateEnv(''), undefined);
  assert.match(validateEnv('A') ?? '', /KEY=VALUE/);
  assert.match(validateEnv('=1') ?? '', /KEY=VALUE/);
  assert.match(validateEnv('1A=2') ?? '', /variable name/);
  assert.deepEqual(parseEnvChanges('A=1 -B'), { add: ['A=1'], remove: ['B'] });
});

test('constraints: the agent parser decides', () => {
  assert.deepEqual(parseConstraints('node.labels.zone==west, node.role!=manager'), [
    'node.labels.zone==west',
    'node.role!=manager',
  ]);
  assert.equal(validateConstraints(''), undefined);
  assert.equal(validateConstraints('node.hostname==node*'), undefined);
  assert.equal(validateConstraints('node.labels.zone==~west'), undefined);
  assert.match(validateConstraints('node.role=manager') ?? '', /expected ==/);
  assert.match(validateConstraints('==x') ?? '', /key is empty/);
});

test('labels, replicas, engines, networks, subnets', () => {
  assert.deepEqual(parseLabel('zone=west'), { key: 'zone', value: 'west' });
  assert.deepEqual(parseLabel('ssd'), { key: 'ssd', value: '' });
  assert.throws(() => parseLabel('=x'));
  assert.throws(() => parseLabel('a b=c'));
  assert.equal(validateReplicas('0'), undefined);
  assert.notEqual(validateReplicas('-1'), undefined);
  assert.notEqual(validateReplicas('1.5'), undefined);
  assert.equal(validateEngineEndpoint('unix:///var/run/docker.sock'), undefined);
  assert.equal(validateEngineEndpoint('tcp://10.0.0.2:2376'), undefined);
  assert.equal(validateEngineEndpoint('ssh://me@host'), undefined);
  assert.notEqual(validateEngineEndpoint('http://host'), undefined);
  assert.equal(validateNetworkName('backend'), undefined);
  assert.notEqual(validateNetworkName('bridge'), undefined);
  assert.notEqual(validateNetworkName('back end'), undefined);
  assert.equal(validateSubnet(''), undefined);
  assert.equal(validateSubnet('10.20.0.0/24'), undefined);
  assert.notEqual(validateSubnet('10.20.0.0'), undefined);
  assert.notEqual(validateSubnet('300.1.1.1/24'), undefined);
});
