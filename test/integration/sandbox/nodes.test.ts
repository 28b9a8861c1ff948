import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, test } from 'node:test';
import { docker, sandboxNodes, shoal } from '../../helpers/sandbox';

test('status --json lists the nodes with dockerode endpoints and addresses', async () => {
  const { code, stdout } = await shoal(['sandbox', 'status', '--json']);
  assert.equal(code, 0);
  const parsed = JSON.parse(stdout) as { nodes: Array<{ name: string; endpoint: string; address: string }> };
  assert.equal(parsed.nodes.length, 3);
  for (const n of parsed.nodes) {
    assert.match(n.endpoint, /^unix:\/\/\/.+docker\.sock$/);
    assert.match(n.address, /^10\.231\.\d+\.\d+$/);
    assert.ok(n.name);
  }
});

test('every node answers /_ping with its own daemon ID and hostname', async () => {
  const infos = await Promise.all(
    sandboxNodes().map(async (n) => {
      const ping = await httpGet(n.endpoint, '/_ping');
      assert.equal(ping, 'OK');
      return JSON.parse(await docker(n.endpoint, ['info', '--format', '{{json .}}'])) as {
        ID: string;
        Name: string;
      };
    }),
  );
  assert.equal(new Set(infos.map((i) => i.ID)).size, 3, 'daemon IDs must differ');
  assert.deepEqual(
    infos.map((i) => i.Name),
    ['node1', 'node2', 'node3'],
  );
});

test('the web image is on every node', async () => {
  for (const n of sandboxNodes()) {
    const out = await docker(n.endpoint, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
    assert.match(out, /shoal\/web:latest/);
  }
});

function httpGet(endpoint: string, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { socketPath: endpoint.replace(/^unix:\/\//, ''), path: urlPath, timeout: 5000 },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
  });
}

after(() => undefined);
