import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { layoutFor } from '../../../agent/sandbox/layout';
import { leftovers } from '../../../agent/sandbox/sandbox';
import { readState } from '../../../agent/sandbox/state';
import { docker, execFileAsync, shoal } from '../../helpers/sandbox';

// A second sandbox beside the suite's, in its own SHOAL_HOME: it must coexist, and its `down` is checked
// for leftovers by looking at the host directly, not only through the sandbox's own bookkeeping.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-lc-'));
const env = { SHOAL_HOME: home };
const dir = path.join(home, 'sandbox');

after(async () => {
  await shoal(['sandbox', 'down'], env);
  fs.rmSync(home, { recursive: true, force: true });
});

test('up with --tcp, a second up refused, down leaves nothing behind', async (t) => {
  const up = await shoal(['sandbox', 'up', '--nodes', '2', '--tcp'], env);
  assert.equal(up.code, 0, up.stderr);
  const state = readState(dir);
  assert.ok(state);

  await t.test('status --json reports both nodes with unix endpoints', async () => {
    const { stdout } = await shoal(['sandbox', 'status', '--json'], env);
    const parsed = JSON.parse(stdout) as {
      nodes: Array<{ name: string; endpoint: string; address: string }>;
    };
    assert.deepEqual(
      parsed.nodes.map((n) => n.name),
      ['node1', 'node2'],
    );
    assert.ok(parsed.nodes.every((n) => n.endpoint.startsWith(`unix://${dir}/`)));
  });

  await t.test('the TCP listener answers on the node address', async () => {
    const node = state.layout.nodes[0]!;
    const out = await docker(`tcp://${node.address}:2375`, ['version', '--format', '{{.Server.APIVersion}}']);
    assert.match(out.trim(), /^1\.\d+$/);
  });

  await t.test('a second up says it is already up and breaks nothing', async () => {
    const again = await shoal(['sandbox', 'up', '--nodes', '2'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already up/);
    const { stdout } = await shoal(['sandbox', 'status', '--json'], env);
    assert.equal((JSON.parse(stdout) as { up: boolean }).up, true);
  });

  await t.test('down removes processes, namespaces, links, rule, cgroups and mounts', async () => {
    // A running container makes the check meaningful: its shim and process must go too.
    await docker(`unix://${state.layout.nodes[1]!.socket}`, ['run', '-d', 'shoal/web:latest']);
    const down = await shoal(['sandbox', 'down'], env);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await leftovers(state.layout), []);

    const { stdout: netns } = await execFileAsync('ip', ['netns', 'list']);
    assert.doesNotMatch(netns, new RegExp(`shoal${state.layout.instance}`));
    const { stdout: links } = await execFileAsync('ip', ['-o', 'link', 'show']);
    assert.doesNotMatch(links, new RegExp(`shoal${state.layout.instance}`));
    const { stdout: rules } = await execFileAsync('iptables', ['-S', 'FORWARD']);
    assert.doesNotMatch(rules, new RegExp(state.layout.ruleComment));
    const { stdout: addrs } = await execFileAsync('ip', ['-4', '-o', 'addr', 'show']);
    assert.doesNotMatch(addrs, new RegExp(state.layout.bridgeAddress.replace(/\./g, '\\.') + '/'));
    const { stdout: ps } = await execFileAsync('ps', ['-eo', 'pid,args']);
    assert.doesNotMatch(ps, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const cgroupHits = fs
      .readdirSync('/sys/fs/cgroup')
      .flatMap((c) => state.layout.nodes.map((n) => path.join('/sys/fs/cgroup', c, n.cgroupParent)))
      .filter((p) => fs.existsSync(p));
    assert.deepEqual(cgroupHits, []);
    assert.doesNotMatch(fs.readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(dir));
    assert.equal(readState(dir), undefined);
  });

  await t.test('down twice is fine', async () => {
    const again = await shoal(['sandbox', 'down'], env);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /already down/);
  });
});

test('missing programs are named with the Debian package that provides them', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-nopath-'));
  const result = await shoal(['sandbox', 'up'], { ...env, PATH: empty });
  fs.rmSync(empty, { recursive: true });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /"dockerd" is not installed: apt-get install docker\.io/);
  assert.match(result.stderr, /"ip" is not installed: apt-get install iproute2/);
  assert.match(result.stderr, /"busybox" is not installed: apt-get install busybox-static/);
  assert.equal(readState(dir), undefined, 'nothing is recorded when prerequisites are missing');
});

/** Whether every directory on the way to `file` lets others through and the file lets others read it. */
function readableByOthers(file: string): boolean {
  let dir = path.dirname(file);
  while (dir !== path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    dir = path.dirname(dir);
  }
  return (fs.statSync(file).mode & 0o004) !== 0;
}

test('not root: a clear error and nothing created', async (t) => {
  const bin = path.resolve(__dirname, '../../../bin/shoal.js');
  // An unprivileged user cannot even load Shoal from a checkout under a private directory such as /root.
  if (!readableByOthers(bin)) return t.skip(`${bin} is not readable by an unprivileged user`);
  const result = await execFileAsync(
    'setpriv',
    [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      path.resolve(__dirname, '../../../bin/shoal.js'),
      'sandbox',
      'up',
    ],
    { env: { ...process.env, SHOAL_HOME: path.join(os.tmpdir(), 'shoal-nobody-home') } },
  ).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(result.code, 1);
  assert.match(result.stderr, /must run as root/);
});

test('layout is stable for a directory', () => {
  assert.deepEqual(layoutFor(dir, 2, 7), layoutFor(dir, 2, 7));
});
