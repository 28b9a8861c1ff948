import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderNameOf, isComposeFile } from '../../../extension/stacks/compose-files';
import { StackMemory, orderStackChoices, type StateStore } from '../../../extension/stacks/stack-memory';
import { defaultStackName, validateStackName } from '../../../extension/stacks/stack-name';

test("stack names follow Docker's rule ^[a-z0-9][a-z0-9_-]*$", () => {
  for (const ok of ['web', 'my-app', 'app_2', '0day', ' spaced '])
    assert.equal(validateStackName(ok), undefined, ok);
  assert.match(validateStackName('') ?? '', /Enter a stack name/);
  assert.match(validateStackName('MyApp') ?? '', /lowercase/);
  assert.match(validateStackName('-app') ?? '', /starts with/);
  assert.match(validateStackName('_app') ?? '', /starts with/);
  assert.match(validateStackName('my.app') ?? '', /not "\."/);
  assert.match(validateStackName('my app') ?? '', /not " "/);
  assert.match(
    validateStackName('a'.repeat(61)) ?? '',
    /^The stack name is too long \(61 characters, at most 60\)/,
  );
  assert.equal(validateStackName('a'.repeat(60)), undefined);
});

test('the default name is the folder name, lowercased and made valid', () => {
  assert.equal(defaultStackName('Shop'), 'shop');
  assert.equal(defaultStackName('My App.v2'), 'my-app-v2');
  assert.equal(defaultStackName('_private'), 'private');
  assert.equal(defaultStackName('...'), 'stack');
  assert.equal(defaultStackName(''), 'stack');
  assert.equal(defaultStackName(`${'a'.repeat(39)} b`), 'a'.repeat(39));
  for (const name of ['Shop', 'My App.v2', '--x--', 'ünï', '']) {
    assert.equal(validateStackName(defaultStackName(name)), undefined, name);
  }
});

test('compose files are *compose*.yml / .yaml', () => {
  for (const ok of [
    '/a/docker-compose.yml',
    '/a/compose.yaml',
    '/a/compose.prod.yml',
    '/a/Docker-Compose.YML',
  ]) {
    assert.ok(isComposeFile(ok), ok);
  }
  for (const no of ['/a/compose.json', '/a/values.yaml', '/compose/app.yaml', '/a/compose.yaml.bak']) {
    assert.ok(!isComposeFile(no), no);
  }
  assert.equal(folderNameOf('/ws/shop/compose.yaml'), 'shop');
});

class MemoryState implements StateStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

test('the file -> stack memory remembers the last stack per file, across instances', async () => {
  const state = new MemoryState();
  const memory = new StackMemory(state);
  assert.equal(memory.stackOf('/ws/a/compose.yaml'), undefined);
  await memory.remember('/ws/a/compose.yaml', 'a');
  await memory.remember('/ws/b/compose.yaml', 'b');
  await memory.remember('/ws/a/compose.yaml', 'a2');
  const again = new StackMemory(state);
  assert.equal(again.stackOf('/ws/a/compose.yaml'), 'a2');
  assert.equal(again.stackOf('/ws/b/compose.yaml'), 'b');
});

test('the memory ignores foreign data and stays bounded, dropping the oldest', async () => {
  const state = new MemoryState();
  state.values.set('shoal.stacks.deployedFiles', { '/x': 42, '/y': 'y' });
  const memory = new StackMemory(state);
  assert.equal(memory.stackOf('/x'), undefined);
  assert.equal(memory.stackOf('/y'), 'y');
  state.values.set('shoal.stacks.deployedFiles', ['not', 'a', 'map']);
  assert.equal(memory.stackOf('/y'), undefined);
  for (let i = 0; i < 205; i++) await memory.remember(`/f${i}`, `s${i}`);
  const stored = state.values.get('shoal.stacks.deployedFiles') as Record<string, string>;
  assert.equal(Object.keys(stored).length, 200);
  assert.equal(memory.stackOf('/f0'), undefined);
  assert.equal(memory.stackOf('/f204'), 's204');
});

test('existing stacks are offered with the folder-named one first', () => {
  assert.deepEqual(orderStackChoices(['web10', 'shop', 'web2'], 'shop'), ['shop', 'web2', 'web10']);
  assert.deepEqual(orderStackChoices(['b', 'a'], 'shop'), ['a', 'b']);
});
