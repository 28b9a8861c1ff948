import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, test } from 'node:test';
import { docker, execFileAsync, sandboxNodes } from '../../helpers/sandbox';
import { readState } from '../../../agent/sandbox/state';
import { sandboxDir } from '../../../agent/sandbox/sandbox';

const PORT = 18080;

before(async () => {
  const node2 = sandboxNodes()[1]!;
  await docker(node2.endpoint, [
    'run',
    '-d',
    '--name',
    'published-web',
    '-p',
    `${PORT}:80`,
    '-e',
    'SHOW_ENV=GREETING',
    '-e',
    'GREETING=hello from node2',
    'shoal/web:latest',
  ]);
});

after(async () => {
  const node2 = sandboxNodes()[1]!;
  await docker(node2.endpoint, ['rm', '-f', 'published-web']).catch(() => undefined);
});

test('a container on node 1 reaches a port published on node 2', async () => {
  const [node1, node2] = sandboxNodes();
  assert.ok(node1 && node2);
  const out = await docker(node1.endpoint, [
    'run',
    '--rm',
    'shoal/web:latest',
    'sh',
    '-c',
    // busybox wget -T crashes; timeout bounds the request instead.
    `for i in 1 2 3 4 5 6 7 8 9 10; do timeout 3 wget -qO- http://${node2.address}:${PORT}/ && exit 0; sleep 0.3; done; exit 1`,
  ]);
  assert.match(out, /GREETING=hello from node2/);
});

test('the host reaches a port published on node 2', async () => {
  const node2 = sandboxNodes()[1]!;
  const body = await retry(() => get(`http://${node2.address}:${PORT}/cgi-bin/env`));
  assert.match(body, /^host=[0-9a-f]{12}$/m);
  assert.match(body, /GREETING=hello from node2/);
});

test('nodes have no route out of the sandbox', async () => {
  const state = readState(sandboxDir());
  assert.ok(state);
  for (const node of state.layout.nodes) {
    const { stdout } = await execFileAsync('ip', ['-n', node.netns, 'route', 'show']);
    assert.doesNotMatch(stdout, /^default/m, `${node.name} has a default route`);
  }
});

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

async function retry<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
