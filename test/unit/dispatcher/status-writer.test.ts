import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteTaskRecord, nextStatus, writeTaskStatus } from '../../../agent/dispatcher/status-writer';
import { OutOfSequenceError, type Collection } from '../../../agent/store/store';
import { TASK_STATES, type Task, type TaskStatus } from '../../../agent/types/swarm';
import { newStore, taskRecord } from './fixtures';

const NOW = new Date('2026-02-02T10:00:00.000Z');
const at = (state: TaskStatus['State'], extra: Partial<TaskStatus> = {}): TaskStatus => ({
  Timestamp: '2026-01-01T00:00:00.000Z',
  State: state,
  Message: state,
  ...extra,
});

test('a report of a later state is written with a new timestamp and clears an old Err', () => {
  const next = nextStatus(
    at('preparing', { Err: 'node unreachable (will retry)' }),
    { state: 'starting', message: 'starting' },
    NOW,
  );
  assert.ok('status' in next);
  assert.deepEqual(next.status, { Timestamp: NOW.toISOString(), State: 'starting', Message: 'starting' });
});

test('a report of an earlier state is refused, whatever the pair', () => {
  const live = TASK_STATES.slice(0, TASK_STATES.indexOf('running') + 1);
  for (const [i, from] of live.entries()) {
    for (const to of live.slice(0, i)) {
      assert.deepEqual(
        nextStatus(at(from), { state: to, message: to }, NOW),
        { reason: 'backwards' },
        `${from} → ${to}`,
      );
    }
  }
});

test('a terminal state is final: neither another terminal state nor new detail is written', () => {
  const failed = at('failed', {
    Err: 'task: non-zero exit (1)',
    ContainerStatus: { ContainerID: 'c1', ExitCode: 1 },
  });
  assert.deepEqual(nextStatus(failed, { state: 'rejected', message: 'x', err: 'y' }, NOW), {
    reason: 'final',
  });
  assert.deepEqual(
    nextStatus(failed, { state: 'failed', message: 'started', err: 'task: non-zero exit (143)' }, NOW),
    {
      reason: 'final',
    },
  );
  assert.deepEqual(nextStatus(at('complete'), { state: 'shutdown', message: 'shutdown' }, NOW), {
    reason: 'final',
  });
});

test('the same state may add detail and keeps the time the state began; no change is no write', () => {
  const starting = at('starting');
  const next = nextStatus(starting, { state: 'starting', message: 'starting', containerId: 'c1' }, NOW);
  assert.ok('status' in next);
  assert.equal(next.status.Timestamp, starting.Timestamp);
  assert.deepEqual(next.status.ContainerStatus, { ContainerID: 'c1' });
  assert.deepEqual(nextStatus(next.status, { state: 'starting', message: 'starting' }, NOW), {
    reason: 'unchanged',
  });
});

test('the container ID is kept when a later report does not name it; ports and exit code are recorded', () => {
  const running = nextStatus(
    at('starting', { ContainerStatus: { ContainerID: 'c1' } }),
    {
      state: 'running',
      message: 'started',
      pid: 42,
      ports: [{ TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp', PublishMode: 'host' }],
    },
    NOW,
  );
  assert.ok('status' in running);
  assert.deepEqual(running.status.ContainerStatus, { ContainerID: 'c1', PID: 42 });
  assert.equal(running.status.PortStatus?.Ports?.[0]?.PublishedPort, 8080);
  const failed = nextStatus(
    running.status,
    { state: 'failed', message: 'started', err: 'task: non-zero exit (1)', exitCode: 1 },
    NOW,
  );
  assert.ok('status' in failed);
  assert.deepEqual(failed.status.ContainerStatus, { ContainerID: 'c1', PID: 42, ExitCode: 1 });
  assert.equal(failed.status.Err, 'task: non-zero exit (1)');
});

test('writeTaskStatus changes only Status and keeps what the orchestrator wrote meanwhile', () => {
  const store = newStore();
  const tasks = store.collection<Task>('tasks');
  tasks.create(taskRecord('t1'));
  const read = tasks.get('t1');
  assert.ok(read);
  tasks.update({ ...read, DesiredState: 'shutdown' }, read.Version.Index);

  const result = writeTaskStatus(tasks, 't1', { state: 'accepted', message: 'accepted' });
  assert.equal(result.written, true);
  const after = tasks.get('t1');
  assert.equal(after?.DesiredState, 'shutdown');
  assert.equal(after?.Status.State, 'accepted');
});

test('writeTaskStatus re-reads and retries when the version moved between its read and its write', () => {
  const store = newStore();
  const real = store.collection<Task>('tasks');
  real.create(taskRecord('t1'));
  let interfered = 0;
  // Another writer gets in right before each of the first two updates.
  const racing: Collection<Task> = {
    ...real,
    get: (id) => real.get(id),
    update: (next, expected) => {
      if (interfered < 2) {
        interfered++;
        const current = real.get(next.ID);
        assert.ok(current);
        real.update({ ...current, Labels: { touched: String(interfered) } }, current.Version.Index);
      }
      return real.update(next, expected);
    },
  };
  const result = writeTaskStatus(racing, 't1', { state: 'accepted', message: 'accepted' });
  assert.equal(result.written, true);
  assert.equal(interfered, 2);
  const stored = real.get('t1');
  assert.equal(stored?.Status.State, 'accepted');
  assert.deepEqual(stored?.Labels, { touched: '2' });
});

test('writeTaskStatus gives up after repeated conflicts rather than looping', () => {
  const store = newStore();
  const real = store.collection<Task>('tasks');
  real.create(taskRecord('t1'));
  const hopeless: Collection<Task> = {
    ...real,
    get: (id) => real.get(id),
    update: () => {
      throw new OutOfSequenceError();
    },
  };
  assert.throws(
    () => writeTaskStatus(hopeless, 't1', { state: 'accepted', message: 'accepted' }),
    OutOfSequenceError,
  );
});

test('a gone task is reported as such, and deleting it twice is fine', () => {
  const tasks = newStore().collection<Task>('tasks');
  assert.deepEqual(writeTaskStatus(tasks, 'nope', { state: 'accepted', message: 'accepted' }), {
    written: false,
    task: undefined,
    reason: 'gone',
  });
  tasks.create(taskRecord('t1'));
  assert.equal(deleteTaskRecord(tasks, 't1'), true);
  assert.equal(deleteTaskRecord(tasks, 't1'), true);
  assert.equal(tasks.get('t1'), undefined);
});
