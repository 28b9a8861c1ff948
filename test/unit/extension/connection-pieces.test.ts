import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../../../extension/agent/backoff';
import { defaultSocketPath, parseEndpoint, webSocketUrl } from '../../../extension/agent/endpoint';
import { parseIncoming } from '../../../extension/agent/protocol';
import { statusBarText } from '../../../extension/agent/status-text';
import { agentLaunch, findShoalCommand } from '../../../extension/agent/launcher';
import { Debouncer, type Timers } from '../../../extension/util/debouncer';

test('backoff doubles up to the ceiling, with jitter below the nominal delay, and resets', () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 }, () => 0);
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map(() => backoff.next()),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(backoff.attempts, 6);
  backoff.reset();
  assert.equal(backoff.next(), 100);
  const jittered = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 }, () => 1);
  assert.equal(jittered.next(), 50);
});

test('endpoints: default socket under SHOAL_HOME, unix paths, loopback TCP only', () => {
  assert.equal(defaultSocketPath({ SHOAL_HOME: '/tmp/sh' }), '/tmp/sh/agent.sock');
  assert.equal(defaultSocketPath({}, '/home/u'), '/home/u/.shoal/agent.sock');
  assert.deepEqual(parseEndpoint('', { SHOAL_HOME: '/tmp/sh' }), {
    kind: 'unix',
    socketPath: '/tmp/sh/agent.sock',
  });
  assert.deepEqual(parseEndpoint('unix:///run/a.sock'), { kind: 'unix', socketPath: '/run/a.sock' });
  assert.deepEqual(parseEndpoint('~/x/agent.sock', {}, '/home/u'), {
    kind: 'unix',
    socketPath: '/home/u/x/agent.sock',
  });
  assert.deepEqual(parseEndpoint('127.0.0.1:2377'), { kind: 'tcp', host: '127.0.0.1', port: 2377 });
  assert.deepEqual(parseEndpoint('tcp://localhost:80'), { kind: 'tcp', host: 'localhost', port: 80 });
  assert.throws(() => parseEndpoint('10.0.0.5:2377'), /loopback/);
  assert.throws(() => parseEndpoint('127.0.0.1:99999'), /out of range/);
  assert.throws(() => parseEndpoint('nonsense'), /not an agent endpoint/);
  assert.equal(
    webSocketUrl({ kind: 'unix', socketPath: '/s/agent.sock' }),
    'ws+unix:///s/agent.sock:/shoal/ws',
  );
  assert.equal(webSocketUrl({ kind: 'tcp', host: '127.0.0.1', port: 5 }), 'ws://127.0.0.1:5/shoal/ws');
});

test('incoming messages are checked before use', () => {
  assert.deepEqual(parseIncoming('{"id":1,"status":200,"body":[1]}'), {
    kind: 'reply',
    reply: { id: 1, status: 200, body: [1] },
  });
  assert.equal(
    parseIncoming('{"event":{"type":"nope","action":"create","id":"x","object":{},"index":1}}'),
    undefined,
  );
  assert.equal(parseIncoming('not json'), undefined);
  assert.equal(parseIncoming('[1]'), undefined);
  assert.deepEqual(parseIncoming('{"logEnd":{"id":3,"incomplete":["x",1]}}'), {
    kind: 'logEnd',
    id: 3,
    incomplete: ['x'],
  });
  const log = parseIncoming(
    '{"log":{"id":3,"name":"web.1","taskId":"t","nodeId":"n","stream":"stderr","line":"hi"}}',
  );
  assert.equal(log?.kind, 'log');
});

class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  readonly pending = new Map<number, { at: number; callback: () => void }>();
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.pending]) {
      if (timer.at <= this.now) {
        this.pending.delete(id);
        timer.callback();
      }
    }
  }
}

test('the debouncer batches a burst into one flush, within the delay of the first item', () => {
  const timers = new FakeTimers();
  const batches: number[][] = [];
  const debouncer = new Debouncer<number>(100, (items) => batches.push(items), timers);
  assert.equal(timers.pending.size, 0, 'no timer while idle');
  debouncer.push(1);
  timers.advance(60);
  debouncer.push(2);
  debouncer.push(3);
  assert.equal(timers.pending.size, 1);
  timers.advance(40);
  assert.deepEqual(batches, [[1, 2, 3]]);
  assert.equal(timers.pending.size, 0, 'no timer once flushed');
  debouncer.push(4);
  debouncer.cancel();
  timers.advance(200);
  assert.deepEqual(batches, [[1, 2, 3]]);
  debouncer.dispose();
  debouncer.push(5);
  assert.equal(timers.pending.size, 0);
});

test('status bar text per state', () => {
  const connected = statusBarText(
    { kind: 'connected', endpoint: 'unix:///s', agentVersion: '0.1.0' },
    { ready: 2, total: 3 },
  );
  assert.equal(connected.text, '$(vm-connect) Shoal 2/3');
  assert.equal(connected.background, 'statusBarItem.warningBackground');
  assert.equal(
    statusBarText({ kind: 'connected', endpoint: 'x', agentVersion: '1' }, { ready: 3, total: 3 }).background,
    undefined,
  );
  assert.match(
    statusBarText(
      { kind: 'reconnecting', endpoint: 'x', message: 'm', reason: 'closed', retryInMs: 2000, attempt: 2 },
      { ready: 0, total: 0 },
    ).text,
    /reconnecting/,
  );
  assert.match(
    statusBarText(
      { kind: 'disconnected', endpoint: 'x', message: 'm', reason: 'unauthorized' },
      { ready: 0, total: 0 },
    ).text,
    /disconnected/,
  );
});

test('finding the shoal command: setting, repository checkout, PATH', () => {
  const files = new Set([
    '/usr/bin/node',
    '/usr/local/bin/shoal',
    '/repo/bin/shoal.js',
    '/repo/agent/cli/main.ts',
    '/opt/shoal.js',
  ]);
  const exists = (f: string) => files.has(f);
  const env = { PATH: '/usr/local/bin:/usr/bin' };
  assert.deepEqual(findShoalCommand({ setting: '', extensionPath: '/repo', env, exists }), {
    file: '/usr/bin/node',
    args: ['/repo/bin/shoal.js'],
    source: 'repository',
  });
  assert.deepEqual(findShoalCommand({ setting: '', extensionPath: '/installed', env, exists }), {
    file: '/usr/local/bin/shoal',
    args: [],
    source: 'path',
  });
  assert.deepEqual(findShoalCommand({ setting: '/opt/shoal.js', extensionPath: '/installed', env, exists }), {
    file: '/usr/bin/node',
    args: ['/opt/shoal.js'],
    source: 'setting',
  });
  assert.equal(
    findShoalCommand({ setting: '/missing', extensionPath: '/installed', env, exists }),
    undefined,
  );
  assert.equal(
    findShoalCommand({ setting: '', extensionPath: '/installed', env: { PATH: '/nowhere' }, exists }),
    undefined,
  );
});

test('the agent is launched where the endpoint points', () => {
  const command = { file: '/usr/bin/node', args: ['/repo/bin/shoal.js'], source: 'repository' as const };
  const unix = agentLaunch(
    command,
    { kind: 'unix', socketPath: '/tmp/h/agent.sock' },
    { ELECTRON_RUN_AS_NODE: '1' },
  );
  assert.deepEqual(unix.args, ['/repo/bin/shoal.js', 'agent']);
  assert.equal(unix.env.SHOAL_HOME, '/tmp/h');
  assert.equal(unix.env.ELECTRON_RUN_AS_NODE, undefined);
  assert.equal(unix.logFile, '/tmp/h/agent.log');
  const tcp = agentLaunch(command, { kind: 'tcp', host: '127.0.0.1', port: 2377 }, { SHOAL_HOME: '/tmp/k' });
  assert.deepEqual(tcp.args, ['/repo/bin/shoal.js', 'agent', '--listen', '127.0.0.1:2377']);
  assert.equal(tcp.home, '/tmp/k');
  assert.throws(() => agentLaunch(command, { kind: 'unix', socketPath: '/tmp/other.sock' }), /agent\.sock/);
});
