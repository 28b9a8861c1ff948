import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterState } from '../../../agent/scheduler/cluster-state';
import { constraintFilter, validateConstraints } from '../../../agent/scheduler/filters/constraint';
import { InvalidArgumentError } from '../../../agent/util/errors';
import { keeps, makeNode, makeRequest } from './fixtures';

const node = makeNode('n1abc', {
  hostname: 'Worker-1',
  role: 'manager',
  platform: { os: 'linux', arch: 'aarch64' },
  labels: { zone: 'eu-1', tier: 'Gold' },
  engineLabels: { storage: 'ssd' },
  ip: '192.168.10.7',
});
const cluster = new ClusterState([node, makeNode('bare', { ip: undefined })]);

function holds(...constraints: string[]): boolean {
  return keeps(constraintFilter, makeRequest({ constraints }), cluster, 'n1abc');
}

test('node attributes, with plain values compared case-insensitively', () => {
  assert.equal(holds('node.id==n1abc'), true);
  assert.equal(holds('node.id==N1ABC'), true);
  assert.equal(holds('node.id!=n1abc'), false);
  assert.equal(holds('node.hostname==worker-1'), true);
  assert.equal(holds('node.role==manager'), true);
  assert.equal(holds('node.role==worker'), false);
  assert.equal(holds('node.platform.os==linux'), true);
  assert.equal(holds('node.platform.arch==aarch64'), true);
  assert.equal(holds('NODE.ROLE==manager'), true, 'attribute keys ignore case like swarm');
});

test('node and engine labels; a missing label is empty: == fails, != passes', () => {
  assert.equal(holds('node.labels.zone==eu-1'), true);
  assert.equal(holds('node.labels.tier==gold'), true);
  assert.equal(holds('engine.labels.storage==ssd'), true);
  assert.equal(holds('engine.labels.storage!=ssd'), false);
  assert.equal(holds('node.labels.missing==x'), false);
  assert.equal(holds('node.labels.missing!=x'), true);
  assert.equal(holds('node.labels.constructor==x'), false, 'no prototype lookups');
  assert.equal(holds('node.labels.zone==eu-*'), true);
  assert.equal(holds('node.labels.zone==/^eu-[0-9]$/'), true);
  assert.equal(holds('node.labels.zone!=us*'), true);
});

test('an unknown key never matches, whatever the operator', () => {
  assert.equal(holds('node.colour==blue'), false);
  assert.equal(holds('node.colour!=blue'), false);
});

test('node.ip takes one address or a CIDR network', () => {
  assert.equal(holds('node.ip==192.168.10.7'), true);
  assert.equal(holds('node.ip!=192.168.10.7'), false);
  assert.equal(holds('node.ip==192.168.0.0/16'), true);
  assert.equal(holds('node.ip!=192.168.0.0/16'), false);
  assert.equal(holds('node.ip==10.0.0.0/8'), false);
  assert.equal(holds('node.ip==2001:db8::/32'), false);
  const withoutIp = (constraint: string) =>
    keeps(constraintFilter, makeRequest({ constraints: [constraint] }), cluster, 'bare');
  assert.equal(withoutIp('node.ip==10.0.0.0/8'), false);
  assert.equal(withoutIp('node.ip!=10.0.0.0/8'), true);
});

test('IPv6 node addresses', () => {
  const v6 = new ClusterState([makeNode('v6', { ip: '2001:db8::5' })]);
  const check = (constraint: string) =>
    keeps(constraintFilter, makeRequest({ constraints: [constraint] }), v6, 'v6');
  assert.equal(check('node.ip==2001:db8::/32'), true);
  assert.equal(check('node.ip==2001:db8::5'), true);
  assert.equal(check('node.ip==192.168.0.0/16'), false);
});

test('every constraint must hold', () => {
  assert.equal(holds('node.role==manager', 'node.labels.zone==eu-1'), true);
  assert.equal(holds('node.role==manager', 'node.labels.zone==us-1'), false);
});

test('soft constraints count in the first pass only', () => {
  const request = makeRequest({ constraints: ['node.labels.zone==~us-1', 'node.role==manager'] });
  assert.equal(keeps(constraintFilter, request, cluster, 'n1abc', true), false);
  assert.equal(keeps(constraintFilter, request, cluster, 'n1abc', false), true);
  assert.equal(constraintFilter.hasSoftRules?.(request), true);
  assert.equal(constraintFilter.hasSoftRules?.(makeRequest({ constraints: ['node.role==manager'] })), false);
});

test('the filter does not apply to tasks without constraints', () => {
  assert.equal(constraintFilter.prepare(makeRequest(), { soft: true, cluster, now: 0 }), undefined);
});

test('validateConstraints rejects the first bad expression by name', () => {
  validateConstraints(['node.role==manager', 'node.labels.zone!=~a']);
  assert.throws(
    () => validateConstraints(['node.role==manager', 'node.labels.zone=a']),
    (error: unknown) =>
      error instanceof InvalidArgumentError &&
      error.message === 'invalid constraint expression "node.labels.zone=a": expected ==, !=, ==~ or !=~',
  );
  assert.throws(
    () => validateConstraints(['node.ip==10.0.0.300']),
    /"node.ip==10.0.0.300": node.ip takes an IP/,
  );
  assert.throws(() => validateConstraints(['node.ip==10.0.0.0/33']), /node.ip takes an IP/);
  assert.throws(() => validateConstraints(['node.ip==web*']), /node.ip takes an IP/);
});

test('describes failures the swarm way', () => {
  assert.equal(constraintFilter.explain(1), 'scheduling constraints not satisfied on 1 node');
  assert.equal(constraintFilter.explain(3), 'scheduling constraints not satisfied on 3 nodes');
});
