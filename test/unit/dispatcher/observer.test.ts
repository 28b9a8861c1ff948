import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readEngineEvent } from '../../../agent/dispatcher/observer';
import type { EngineEvent } from '../../../agent/cluster/types';
import { taskLabels } from '../../../agent/executor';
import type { Task } from '../../../agent/types/swarm';
import { CLUSTER, storedTask } from './fixtures';

const known = new Map<string, Task>([['t1', storedTask('t1')]]);
const taskOf = (id: string): Task | undefined => known.get(id);

function event(
  action: string,
  labels: { taskId?: string; clusterId?: string } = {},
  extra: Record<string, string> = {},
): EngineEvent {
  return {
    Type: 'container',
    Action: action,
    Actor: {
      ID: 'c1',
      Attributes: {
        ...taskLabels({
          taskId: labels.taskId ?? 't1',
          taskName: 'web.1.t1',
          serviceId: 'svc1',
          serviceName: 'web',
          nodeId: 'node1',
          clusterId: labels.clusterId ?? CLUSTER,
        }),
        name: 'web.1.t1',
        image: 'shoal/web:latest',
        ...extra,
      },
    },
    time: 1,
    timeNano: 1e9,
  };
}

test('die carries the exit code to the task, for when the container is removed before it is inspected', () => {
  assert.deepEqual(readEngineEvent('node1', event('die', {}, { exitCode: '137' }), CLUSTER, taskOf), {
    kind: 'task',
    taskId: 't1',
    hints: { exitCode: 137 },
  });
});

test('health status, destroy and oom wake the task; start, create and exec do not', () => {
  for (const action of ['health_status: healthy', 'health_status: unhealthy', 'destroy', 'oom']) {
    assert.equal(readEngineEvent('node1', event(action), CLUSTER, taskOf).kind, 'task', action);
  }
  for (const action of ['start', 'create', 'exec_start: sh', 'attach']) {
    assert.equal(readEngineEvent('node1', event(action), CLUSTER, taskOf).kind, 'ignore', action);
  }
});

test('a container with our labels but an unknown task, another cluster or another node is reported on create only', () => {
  const ghost = readEngineEvent('node1', event('create', { taskId: 'ghost' }), CLUSTER, taskOf);
  assert.equal(ghost.kind, 'foreign');
  assert.equal(ghost.kind === 'foreign' && ghost.report.reason, 'unknown-task');
  const other = readEngineEvent('node1', event('create', { clusterId: 'x' }), CLUSTER, taskOf);
  assert.equal(other.kind === 'foreign' && other.report.reason, 'other-cluster');
  const moved = readEngineEvent('node2', event('create'), CLUSTER, taskOf);
  assert.equal(moved.kind === 'foreign' && moved.report.reason, 'other-node');
  assert.equal(readEngineEvent('node1', event('die', { taskId: 'ghost' }), CLUSTER, taskOf).kind, 'ignore');
});

test('events without task labels, and non-container events, are ignored', () => {
  const plain: EngineEvent = { ...event('die'), Actor: { ID: 'c9', Attributes: { name: 'x' } } };
  assert.equal(readEngineEvent('node1', plain, CLUSTER, taskOf).kind, 'ignore');
  assert.equal(
    readEngineEvent('node1', { ...event('create'), Type: 'network' }, CLUSTER, taskOf).kind,
    'ignore',
  );
});
