import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createServiceAnswers,
  isCreateServiceArguments,
  replicasArgument,
} from '../../../extension/commands/command-arguments';

test('create arguments: defaults as the prompts suggest them', () => {
  assert.deepEqual(createServiceAnswers({ image: 'shoal/web:latest' }, new Set(['web'])), {
    image: 'shoal/web:latest',
    name: 'web-2',
    mode: { kind: 'replicated', replicas: 1 },
    ports: [],
    env: [],
    constraints: [],
  });
});

test('create arguments: lists are parsed as typed in the prompts', () => {
  const answers = createServiceAnswers(
    {
      image: 'shoal/web:latest',
      name: 'api',
      replicas: 3,
      ports: '8080:80 9090:90/udp',
      env: 'A=1 B=2',
      constraints: 'node.labels.zone==west, node.role!=manager',
    },
    new Set(),
  );
  assert.ok(!('error' in answers));
  assert.deepEqual(answers.mode, { kind: 'replicated', replicas: 3 });
  assert.deepEqual(
    answers.ports.map((p) => [p.PublishedPort, p.TargetPort, p.Protocol]),
    [
      [8080, 80, 'tcp'],
      [9090, 90, 'udp'],
    ],
  );
  assert.deepEqual(answers.env, ['A=1', 'B=2']);
  assert.deepEqual(answers.constraints, ['node.labels.zone==west', 'node.role!=manager']);
  const global = createServiceAnswers({ image: 'x', global: true }, new Set());
  assert.ok(!('error' in global));
  assert.deepEqual(global.mode, { kind: 'global' });
});

test('create arguments: the first wrong one is named', () => {
  const error = (args: Parameters<typeof createServiceAnswers>[0], taken = new Set<string>()) => {
    const result = createServiceAnswers(args, taken);
    return 'error' in result ? result.error : 'accepted';
  };
  assert.match(error({ image: 'Bad Image' }), /^image: /);
  assert.match(error({ image: 'x', name: 'web' }, new Set(['web'])), /^name: .*already exists/);
  assert.match(error({ image: 'x', replicas: -1 }), /^replicas: /);
  assert.match(error({ image: 'x', replicas: 2, global: true }), /^replicas: a global service/);
  assert.match(error({ image: 'x', ports: '99999:80' }), /^ports: /);
  assert.match(error({ image: 'x', env: 'NOVALUE' }), /^env: /);
  assert.match(error({ image: 'x', constraints: 'node.role=manager' }), /^constraints: /);
  assert.match(error({ image: 3 as unknown as string }), /^image: expected a string/);
});

test('only objects with an image and no tree ref are create arguments', () => {
  assert.equal(isCreateServiceArguments({ image: 'x' }), true);
  assert.equal(isCreateServiceArguments({ ref: { type: 'service', id: 'a' }, image: 'x' }), false);
  assert.equal(isCreateServiceArguments(undefined), false);
  assert.equal(isCreateServiceArguments('x'), false);
});

test('scale: a number is the replicas; anything else (a menu selection) means ask', () => {
  assert.equal(replicasArgument(4), 4);
  assert.equal(replicasArgument(undefined), undefined);
  assert.equal(replicasArgument([{ ref: { type: 'service', id: 'a' } }]), undefined);
  assert.deepEqual(replicasArgument(1.5), {
    error: 'replicas: Enter a whole number of replicas (0 or more)',
  });
});
