import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSettled, planRelist } from '../../../agent/dispatcher/adoption';
import { UNHEALTHY_ERR, type TaskContainer } from '../../../agent/executor';
import type { Task } from '../../../agent/types/swarm';
import { CLUSTER, container, storedTask, withState } from './fixtures';

function plan(containers: TaskContainer[], tasks: Task[], recentlyDeleted: string[] = []) {
  return planRelist({
    nodeId: 'node1',
    containers,
    tasks: new Map(tasks.map((t) => [t.ID, t])),
    recentlyDeleted: new Set(recentlyDeleted),
  });
}

test('a container of a known task whose record lacks it (crash between create and record) is adopted', () => {
  const t = storedTask('t1', withState('starting'));
  const result = plan([container('c1', 't1')], [t]);
  assert.deepEqual([...result.attend], [['t1', {}]]);
  assert.deepEqual(result.foreign, []);
});

test('a running task whose record already says so is left alone', () => {
  const t = storedTask('t1', withState('running', 'c1'));
  assert.deepEqual(plan([container('c1', 't1')], [t]).attend.size, 0);
});

test('a recorded container that is gone sends its task back to the state machine', () => {
  const t = storedTask('t1', withState('running', 'c1'));
  assert.deepEqual([...plan([], [t]).attend.keys()], ['t1']);
});

test('a container whose state moved unobserved (exited during an event gap) is looked at again', () => {
  const t = storedTask('t1', withState('running', 'c1'));
  const exited = container('c1', 't1', { state: 'failed', err: 'task: non-zero exit (1)', exitCode: 1 });
  assert.deepEqual([...plan([exited], [t]).attend.keys()], ['t1']);
});

test('two containers claiming one task: the recorded one is kept and the other is to be removed', () => {
  const t = storedTask('t1', withState('running', 'c2'));
  const result = plan([container('c1', 't1'), container('c2', 't1', {}, { name: 'impostor' })], [t]);
  assert.deepEqual(result.attend.get('t1'), { extraContainers: ['c1'] });
});

test('with no recorded container, the one with the task name is kept', () => {
  const t = storedTask('t1', withState('starting'));
  const result = plan([container('c1', 't1', {}, { name: 'copy' }), container('c2', 't1')], [t]);
  assert.deepEqual(result.attend.get('t1'), { extraContainers: ['c1'] });
});

test('containers of unknown tasks, other clusters or other nodes are reported and never attended', () => {
  const elsewhere = storedTask('t2', { NodeID: 'node2' });
  const result = plan(
    [
      container('c1', 'ghost'),
      container('c2', 't9', {}, { clusterId: 'another-cluster' }),
      container('c3', 't2'),
    ],
    [elsewhere],
  );
  assert.deepEqual(
    result.foreign.map((f) => [f.containerId, f.reason, f.nodeId]),
    [
      ['c1', 'unknown-task', 'node1'],
      ['c2', 'other-cluster', 'node1'],
      ['c3', 'other-node', 'node1'],
    ],
  );
  assert.equal(result.attend.size, 0);
  assert.ok(result.foreign.every((f) => f.labels.clusterId === CLUSTER || f.containerId === 'c2'));
});

test('the container of a task this agent just deleted is neither foreign nor attended', () => {
  const result = plan([container('c1', 'gone-task')], [], ['gone-task']);
  assert.deepEqual(result, { attend: new Map(), foreign: [], leftovers: [] });
});

test('a container of a task whose node left the cluster is a leftover to remove, not foreign', () => {
  const orphaned = storedTask('t2', { ...withState('orphaned', 'c3'), NodeID: 'old-node3' });
  const elsewhere = storedTask('t3', { NodeID: 'node2' });
  const result = planRelist({
    nodeId: 'node1',
    containers: [container('c3', 't2', {}, { nodeId: 'old-node3' }), container('c4', 't3')],
    tasks: new Map([orphaned, elsewhere].map((t) => [t.ID, t])),
    recentlyDeleted: new Set(),
    knownNodes: new Set(['node1', 'node2']),
  });
  assert.deepEqual(
    result.leftovers.map((c) => c.containerId),
    ['c3'],
  );
  assert.deepEqual(
    result.foreign.map((f) => [f.containerId, f.reason]),
    [['c4', 'other-node']],
  );
  assert.equal(result.attend.size, 0);
});

test('isSettled: what needs work and what does not', () => {
  const c1 = container('c1', 't1');
  const cases: Array<[string, Task, TaskContainer | undefined, boolean]> = [
    [
      'desired remove always needs work',
      storedTask('t1', { ...withState('complete', 'c1'), DesiredState: 'remove' }),
      undefined,
      false,
    ],
    [
      'ended, container stopped',
      storedTask('t1', withState('failed', 'c1')),
      container('c1', 't1', { state: 'failed' }),
      true,
    ],
    ['ended, container still running', storedTask('t1', withState('failed', 'c1')), c1, false],
    [
      'ended unhealthy, container still running',
      storedTask('t1', withState('failed', 'c1')),
      container('c1', 't1', { state: 'failed', err: UNHEALTHY_ERR }),
      false,
    ],
    [
      'ended, start error (created)',
      storedTask('t1', withState('failed', 'c1')),
      container('c1', 't1', { state: 'ready' }),
      true,
    ],
    ['not assigned yet', storedTask('t1', withState('pending')), undefined, true],
    [
      'desired shutdown, still running',
      storedTask('t1', { ...withState('running', 'c1'), DesiredState: 'shutdown' }),
      c1,
      false,
    ],
    ['assigned, no container yet', storedTask('t1', withState('assigned')), undefined, false],
    [
      'prepared for update sequencing',
      storedTask('t1', { ...withState('ready'), DesiredState: 'ready' }),
      undefined,
      true,
    ],
    ['running as recorded', storedTask('t1', withState('running', 'c1')), c1, true],
  ];
  for (const [what, task, listed, settled] of cases) assert.equal(isSettled(task, listed), settled, what);
});
