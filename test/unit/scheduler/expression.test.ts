import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpression } from '../../../agent/scheduler/expression';
import { InvalidArgumentError } from '../../../agent/util/errors';

test('parses the four operators and trims key and value', () => {
  const cases: Array<[string, '==' | '!=', boolean]> = [
    ['node.role==manager', '==', false],
    ['node.role != manager', '!=', false],
    ['node.role==~manager', '==', true],
    ['node.role !=~ manager', '!=', true],
  ];
  for (const [source, operator, soft] of cases) {
    const expression = parseExpression(source, 'constraint');
    assert.equal(expression.key, 'node.role');
    assert.equal(expression.operator, operator);
    assert.equal(expression.soft, soft);
    assert.equal(expression.value, 'manager');
    assert.equal(expression.source, source);
  }
});

test('bad expressions are InvalidArgumentErrors that name the expression', () => {
  const cases: Array<[string, RegExp]> = [
    [
      'node.labels.zone=a',
      /^invalid constraint expression "node.labels.zone=a": expected ==, !=, ==~ or !=~$/,
    ],
    ['node.labels.zone', /expected ==, !=, ==~ or !=~/],
    ['node.role<>manager', /expected ==, !=, ==~ or !=~/],
    ['node.role === manager', /expected ==, !=, ==~ or !=~/],
    ['==manager', /"==manager": the key is empty/],
    ['node role==manager', /"node role==manager": key "node role" must start with a letter/],
    ['1node==x', /key "1node"/],
    ['node.role==', /"node.role==": the value is empty/],
    ['node.role==~', /the value is empty/],
    ['node.hostname==/[a-/', /"node.hostname==\/\[a-\/": bad regular expression/],
    ['node.hostname==//', /the regular expression is empty/],
  ];
  for (const [source, message] of cases) {
    assert.throws(
      () => parseExpression(source, 'constraint'),
      (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError, `${source}: ${String(error)}`);
        assert.match(error.message, message);
        assert.equal(error.status, 400);
        return true;
      },
    );
  }
});

test('affinity errors say affinity', () => {
  assert.throws(
    () => parseExpression('service=web', 'affinity'),
    /^InvalidArgumentError: invalid affinity expression "service=web"/,
  );
});

test('plain values match whole strings, ignoring case', () => {
  const { matches } = parseExpression('node.hostname==Node-1', 'constraint');
  assert.equal(matches('node-1'), true);
  assert.equal(matches('NODE-1'), true);
  assert.equal(matches('node-10'), false);
  assert.equal(matches('xnode-1'), false);
});

test('globs are anchored, * is the only wildcard, and case is ignored', () => {
  const { matches } = parseExpression('node.hostname==web-*.prod', 'constraint');
  assert.equal(matches('web-1.prod'), true);
  assert.equal(matches('WEB-.PROD'), true);
  assert.equal(matches('web-1.prodx'), false);
  assert.equal(matches('xweb-1.prod'), false);
  // `.` is literal, unlike classic Swarm's unescaped glob.
  assert.equal(matches('web-1xprod'), false);
  assert.equal(parseExpression('node.labels.a==*', 'constraint').matches(''), true);
});

test('regular expressions are unanchored unless they say so, and (?i) ignores case', () => {
  assert.equal(parseExpression('node.hostname==/node[12]/', 'constraint').matches('my-node2-x'), true);
  assert.equal(parseExpression('node.hostname==/^node[12]$/', 'constraint').matches('my-node2-x'), false);
  assert.equal(parseExpression('node.hostname==/^node[12]$/', 'constraint').matches('node1'), true);
  assert.equal(parseExpression('node.hostname==/NODE1/', 'constraint').matches('node1'), false);
  assert.equal(parseExpression('node.hostname==/(?i)NODE1/', 'constraint').matches('node1'), true);
});

test('the first = or ! starts the operator, so values may contain them', () => {
  const expression = parseExpression('node.labels.expr==a==b', 'constraint');
  assert.equal(expression.key, 'node.labels.expr');
  assert.equal(expression.value, 'a==b');
});
