import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { bearerToken, loadOrCreateToken, readToken, tokensEqual } from '../../../agent/api/token';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-token-'));
}

test('the token is created once, 0600, in a 0700 home, and reused', () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'home', 'agent.token');
    const token = loadOrCreateToken(file);
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(loadOrCreateToken(file), token);
    assert.equal(readToken(file), token);
    assert.notEqual(loadOrCreateToken(path.join(dir, 'other.token')), token);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a token file others can read, or that holds no token, is refused', () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'agent.token');
    fs.writeFileSync(file, `${'a'.repeat(64)}\n`, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    assert.throws(() => loadOrCreateToken(file), /accessible to other users \(mode 644\)/);
    fs.chmodSync(file, 0o600);
    assert.equal(loadOrCreateToken(file), 'a'.repeat(64));
    fs.writeFileSync(file, 'hunter2');
    assert.throws(() => readToken(file), /does not hold a Shoal token/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('token comparison and Authorization parsing', () => {
  const token = 'ab'.repeat(32);
  assert.ok(tokensEqual(token, token));
  assert.ok(!tokensEqual(token.slice(1), token));
  assert.ok(!tokensEqual('', token));
  assert.equal(bearerToken(`Bearer ${token}`), token);
  assert.equal(bearerToken(`bearer  ${token}`), token);
  assert.equal(bearerToken(`Basic ${token}`), undefined);
  assert.equal(bearerToken(undefined), undefined);
  assert.equal(bearerToken('Bearer a b'), undefined);
});
