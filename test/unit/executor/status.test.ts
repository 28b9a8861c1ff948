import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  observedFromInspect,
  observedFromListing,
  taskStateOf,
  type ContainerStateView,
  type TaskStateReport,
} from '../../../agent/executor/status';

const TABLE: Array<[string, ContainerStateView, TaskStateReport]> = [
  ['created', { status: 'created' }, { state: 'ready', message: 'prepared' }],
  [
    'created, start failed',
    { status: 'created', exitCode: 127, error: 'exec: "nope": executable file not found' },
    { state: 'failed', message: 'starting', err: 'exec: "nope": executable file not found', exitCode: 127 },
  ],
  ['running, no healthcheck', { status: 'running' }, { state: 'running', message: 'started' }],
  [
    'running, health starting',
    { status: 'running', health: 'starting' },
    { state: 'starting', message: 'starting' },
  ],
  ['running, healthy', { status: 'running', health: 'healthy' }, { state: 'running', message: 'started' }],
  [
    'running, unhealthy',
    { status: 'running', health: 'unhealthy' },
    { state: 'failed', message: 'started', err: 'dockerexec: unhealthy container' },
  ],
  ['paused', { status: 'paused' }, { state: 'running', message: 'paused' }],
  ['restarting', { status: 'restarting' }, { state: 'starting', message: 'restarting' }],
  ['exited 0', { status: 'exited', exitCode: 0 }, { state: 'complete', message: 'finished', exitCode: 0 }],
  [
    'exited 1',
    { status: 'exited', exitCode: 1 },
    { state: 'failed', message: 'started', err: 'task: non-zero exit (1)', exitCode: 1 },
  ],
  [
    'exited 137',
    { status: 'exited', exitCode: 137 },
    { state: 'failed', message: 'started', err: 'task: non-zero exit (137)', exitCode: 137 },
  ],
  ['removing', { status: 'removing' }, { state: 'shutdown', message: 'removing' }],
  ['dead', { status: 'dead' }, { state: 'failed', message: 'started', err: 'container is dead' }],
];

for (const [name, view, expected] of TABLE) {
  test(`status mapping: ${name} → ${expected.state}`, () => {
    assert.deepEqual(taskStateOf(view), expected);
  });
}

test('inspect: health, exit code and published ports (each once, not per address family)', () => {
  const observed = observedFromInspect({
    Id: 'abc',
    State: { Status: 'running', ExitCode: 0, Error: '', Pid: 42, Health: { Status: 'healthy' } },
    NetworkSettings: {
      Ports: {
        '80/tcp': [
          { HostIp: '0.0.0.0', HostPort: '8080' },
          { HostIp: '::', HostPort: '8080' },
        ],
        '443/tcp': null,
      },
    },
  });
  assert.deepEqual(observed, {
    state: 'running',
    message: 'started',
    containerId: 'abc',
    pid: 42,
    ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }],
  });
});

test('a list entry reads the same as inspect', () => {
  const listed = (State: string, Status: string) =>
    observedFromListing({
      Id: 'abc',
      State,
      Status,
      Ports: [{ PrivatePort: 80, PublicPort: 32768, Type: 'tcp' }],
    });
  assert.equal(listed('running', 'Up 2 seconds (health: starting)').state, 'starting');
  assert.equal(listed('running', 'Up 2 minutes (healthy)').state, 'running');
  assert.equal(listed('running', 'Up 2 minutes (unhealthy)').err, 'dockerexec: unhealthy container');
  assert.equal(listed('running', 'Up 2 minutes').state, 'running');
  assert.deepEqual(listed('running', 'Up 2 minutes').ports, [
    { Protocol: 'tcp', TargetPort: 80, PublishedPort: 32768, PublishMode: 'host' },
  ]);
  const failed = listed('exited', 'Exited (3) 5 seconds ago');
  assert.deepEqual([failed.state, failed.err, failed.exitCode], ['failed', 'task: non-zero exit (3)', 3]);
  assert.equal(listed('exited', 'Exited (0) 1 second ago').state, 'complete');
  assert.equal(listed('created', 'Created').state, 'ready');
});
