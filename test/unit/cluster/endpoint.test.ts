import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseEndpoint, PLAIN_TCP_REFUSED, resolveEndpoint } from '../../../agent/cluster/endpoint';
import { layoutFor } from '../../../agent/sandbox/layout';
import { writeState } from '../../../agent/sandbox/state';
import { ForbiddenError, InvalidArgumentError } from '../../../agent/util/errors';
import { tempDir } from './helpers/fake-engine';

test('unix:// needs an absolute path and is canonicalised', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'docker.sock'), '');
  fs.symlinkSync(path.join(dir, 'docker.sock'), path.join(dir, 'link.sock'));
  const real = fs.realpathSync(path.join(dir, 'docker.sock'));
  assert.deepEqual(parseEndpoint(`unix://${dir}/./link.sock`), {
    scheme: 'unix',
    url: `unix://${real}`,
    socketPath: real,
  });
  assert.throws(() => parseEndpoint('unix://relative.sock'), /absolute path/);
  assert.throws(() => parseEndpoint(`unix:///${'x'.repeat(120)}`), /longer than 107 bytes/);
});

test('tcp:// is normalised: lower-case host, default port 2376 with TLS and 2375 without', () => {
  assert.equal(parseEndpoint('tcp://Engine.Example.COM').url, 'tcp://engine.example.com:2376');
  assert.equal(parseEndpoint('tcp://10.0.0.5', { tls: false }).url, 'tcp://10.0.0.5:2375');
  assert.deepEqual(parseEndpoint('tcp://[::1]:2400'), {
    scheme: 'tcp',
    url: 'tcp://[::1]:2400',
    host: '::1',
    port: 2400,
  });
  assert.equal(parseEndpoint('TCP://h:1/').url, 'tcp://h:1');
});

test('ssh:// needs a user and takes no password', () => {
  assert.deepEqual(parseEndpoint('ssh://deploy@Build-1:2222'), {
    scheme: 'ssh',
    url: 'ssh://deploy@build-1:2222',
    host: 'build-1',
    port: 2222,
    user: 'deploy',
  });
  assert.equal(parseEndpoint('ssh://root@host').port, 22);
  assert.throws(() => parseEndpoint('ssh://host'), /valid user name/);
  assert.throws(() => parseEndpoint('ssh://u:secret@host'), /passwords are not accepted/);
});

test('malformed endpoints are InvalidArgumentError naming the endpoint field', () => {
  const bad = [
    '',
    '   ',
    'docker.sock',
    'ftp://host',
    'http://host:2375',
    'tcp://',
    'tcp://host:0',
    'tcp://host:99999',
    'tcp://host:2376/path',
    'tcp://host:2376?x=1',
    'tcp://user@host:2376',
    'tcp://bad_host!:2376',
    'tcp://host:2376\nX-Injected: 1',
    'unix:///run/docker sock',
    `tcp://${'a'.repeat(2000)}`,
  ];
  for (const raw of bad) {
    assert.throws(
      () => parseEndpoint(raw),
      (e: unknown) => e instanceof InvalidArgumentError && e.status === 400 && /endpoint/.test(e.message),
      raw,
    );
  }
  assert.throws(() => parseEndpoint(undefined), /endpoint is required/);
  assert.throws(() => parseEndpoint(42), /endpoint is required/);
});

test('plain tcp:// is refused outside the sandbox with the reason', () => {
  assert.throws(
    () => resolveEndpoint({ url: 'tcp://192.168.1.20:2375' }, { sandboxDir: tempDir() }),
    (e: unknown) => e instanceof ForbiddenError && e.status === 403 && e.message.includes(PLAIN_TCP_REFUSED),
  );
  assert.throws(() => resolveEndpoint({ url: 'tcp://127.0.0.1:2375' }), ForbiddenError);
  assert.match(PLAIN_TCP_REFUSED, /plain TCP gives root on the engine to anyone on the network/);
});

test('plain tcp:// is allowed to the address of a node of the sandbox', () => {
  const dir = tempDir();
  const layout = layoutFor(dir, 2, 77);
  writeState(dir, {
    version: 1,
    layout,
    tcp: true,
    phase: 'up',
    startedAt: new Date().toISOString(),
    pids: {},
  });
  const resolved = resolveEndpoint({ url: 'tcp://10.231.77.12:2375' }, { sandboxDir: dir });
  assert.equal(resolved.addr, '10.231.77.12');
  assert.equal(resolved.options.protocol, 'http');
  assert.equal(resolved.options.host, '10.231.77.12');
  assert.equal(resolved.options.port, 2375);
  // Another address on the same subnet is not a sandbox node.
  assert.throws(
    () => resolveEndpoint({ url: 'tcp://10.231.77.99:2375' }, { sandboxDir: dir }),
    ForbiddenError,
  );
  // A sandbox node's unix socket reports the node's address; any other socket is local.
  const node1 = layout.nodes[0];
  assert.ok(node1);
  assert.equal(resolveEndpoint({ url: `unix://${node1.socket}` }, { sandboxDir: dir }).addr, '10.231.77.11');
  assert.equal(resolveEndpoint({ url: 'unix:///var/run/other.sock' }, { sandboxDir: dir }).addr, '127.0.0.1');
});

test('dockerode options never inherit DOCKER_HOST: unused connection fields are explicitly unset', () => {
  const { options } = resolveEndpoint({ url: 'unix:///var/run/docker.sock' });
  assert.ok('host' in options && options.host === undefined);
  assert.ok('protocol' in options && options.protocol === undefined);
  assert.equal(
    options.socketPath,
    fs.existsSync('/var/run/docker.sock') ? fs.realpathSync('/var/run/docker.sock') : '/var/run/docker.sock',
  );
});

test('tls is refused for unix:// and ssh://, and its files are checked', () => {
  const tls = { caCert: '/x/ca.pem', cert: '/x/cert.pem', key: '/x/key.pem' };
  assert.throws(
    () => resolveEndpoint({ url: 'unix:///var/run/docker.sock', tls }),
    /tls applies only to tcp/,
  );
  assert.throws(
    () => resolveEndpoint({ url: 'tcp://h:2376', tls: 'yes' as unknown as typeof tls }),
    /tls must be an object/,
  );
  const noTls = resolveEndpoint({ url: 'unix:///var/run/x.sock', tls: null as unknown as typeof tls });
  assert.equal(noTls.parsed.scheme, 'unix');
  assert.throws(
    () => resolveEndpoint({ url: 'tcp://h:2376', tls: { ...tls, caCert: 'ca.pem' } }),
    (e: unknown) =>
      e instanceof InvalidArgumentError && /tls\.caCert must be an absolute path/.test(e.message),
  );
  assert.throws(
    () => resolveEndpoint({ url: 'tcp://h:2376', tls }),
    (e: unknown) =>
      e instanceof InvalidArgumentError &&
      /tls\.caCert \/x\/ca\.pem cannot be read \(ENOENT\)/.test(e.message),
  );
  const dir = tempDir();
  for (const f of ['ca.pem', 'cert.pem', 'key.pem'])
    fs.writeFileSync(path.join(dir, f), 'not pem\n', { mode: 0o600 });
  const files = {
    caCert: path.join(dir, 'ca.pem'),
    cert: path.join(dir, 'cert.pem'),
    key: path.join(dir, 'key.pem'),
  };
  assert.throws(
    () => resolveEndpoint({ url: 'tcp://h:2376', tls: files }),
    /tls\.caCert .* is not a PEM certificate/,
  );
  fs.chmodSync(files.key, 0o644);
  assert.throws(
    () => resolveEndpoint({ url: 'tcp://h:2376', tls: files }),
    (e: unknown) =>
      e instanceof ForbiddenError &&
      /tls\.key .* accessible by group or others \(mode 0644\)/.test(e.message),
  );
});

test('ssh:// is refused for a host missing from known_hosts, and verifies the host key otherwise', () => {
  const dir = tempDir();
  const knownHosts = path.join(dir, 'known_hosts');
  const key = Buffer.from('fake-host-key-blob');
  fs.writeFileSync(knownHosts, `[build-1]:2222 ssh-ed25519 ${key.toString('base64')}\n`);
  const context = { knownHostsFiles: [knownHosts], env: { SSH_AUTH_SOCK: '/tmp/agent.sock' } };
  assert.throws(
    () => resolveEndpoint({ url: 'ssh://deploy@build-1' }, context),
    (e: unknown) => e instanceof ForbiddenError && /build-1 has no host key in/.test(e.message),
  );
  const { options, addr } = resolveEndpoint({ url: 'ssh://deploy@build-1:2222' }, context);
  assert.equal(addr, 'build-1');
  assert.equal(options.protocol, 'ssh');
  assert.equal(options.username, 'deploy');
  assert.equal(options.sshOptions?.agent, '/tmp/agent.sock');
  const verify = options.sshOptions?.hostVerifier as (key: Buffer) => boolean;
  assert.equal(verify(key), true);
  assert.equal(verify(Buffer.from('another-key')), false);
});

test('ssh:// without an agent uses a private key from the ssh directory, refusing a shared one', () => {
  const dir = tempDir();
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHosts, `host ssh-ed25519 ${Buffer.from('k').toString('base64')}\n`);
  const context = { knownHostsFiles: [knownHosts], env: {}, sshDir: dir };
  assert.throws(() => resolveEndpoint({ url: 'ssh://u@host' }, context), /needs credentials/);
  fs.writeFileSync(path.join(dir, 'id_ed25519'), 'PRIVATE', { mode: 0o640 });
  assert.throws(() => resolveEndpoint({ url: 'ssh://u@host' }, context), ForbiddenError);
  fs.chmodSync(path.join(dir, 'id_ed25519'), 0o600);
  const { options } = resolveEndpoint({ url: 'ssh://u@host' }, context);
  assert.equal(String(options.sshOptions?.privateKey), 'PRIVATE');
});
