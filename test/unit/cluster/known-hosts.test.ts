import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findHostKeys, hostKeyVerifier, knownHostsName } from '../../../agent/cluster/known-hosts';
import { tempDir } from './helpers/fake-engine';

const k = (s: string): string => Buffer.from(s).toString('base64');

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

test('known_hosts names a non-22 port as [host]:port', () => {
  assert.equal(knownHostsName('h', 22), 'h');
  assert.equal(knownHostsName('h', 2222), '[h]:2222');
});

test('finds plain, listed, wildcard and hashed entries; honours negation and @revoked', () => {
  const file = path.join(tempDir(), 'known_hosts');
  fs.writeFileSync(
    file,
    [
      '# comment',
      `alpha,10.0.0.1 ssh-ed25519 ${k('alpha-key')}`,
      `[beta]:2222 ssh-ed25519 ${k('beta-key')} comment here`,
      `*.lab,!secret.lab ssh-ed25519 ${k('lab-key')}`,
      `${hashed('gamma')} ssh-ed25519 ${k('gamma-key')}`,
      `@revoked alpha ssh-ed25519 ${k('old-alpha-key')}`,
      `@cert-authority *.lab ssh-ed25519 ${k('ca-key')}`,
      'garbage',
    ].join('\n'),
  );
  const keys = (host: string, port = 22): string[] =>
    findHostKeys([file, '/nonexistent/known_hosts'], host, port).accepted.map((b) => b.toString());
  assert.deepEqual(keys('alpha'), ['alpha-key']);
  assert.deepEqual(keys('10.0.0.1'), ['alpha-key']);
  assert.deepEqual(keys('beta'), []);
  assert.deepEqual(keys('beta', 2222), ['beta-key']);
  assert.deepEqual(keys('node.lab'), ['lab-key']);
  assert.deepEqual(keys('secret.lab'), []);
  assert.deepEqual(keys('gamma'), ['gamma-key']);
  assert.deepEqual(keys('delta'), []);

  const verify = hostKeyVerifier(findHostKeys([file], 'alpha', 22));
  assert.equal(verify(Buffer.from('alpha-key')), true);
  assert.equal(verify(Buffer.from('old-alpha-key')), false);
  assert.equal(verify(Buffer.from('beta-key')), false);
});
