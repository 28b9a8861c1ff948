import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadStack } from '../../../agent/compose';
import { envFileNames, readStackFiles } from '../../../agent/compose/client-files';
import { errors } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'shoal-compose-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('envFileNames finds string, list and long-syntax entries', () => {
  assert.deepEqual(
    envFileNames(
      [
        'x-env: &env',
        '  env_file: [shared.env]',
        'services:',
        '  a: { env_file: a.env }',
        '  b: { env_file: [b.env, { path: c.env, required: false }] }',
        '  c:',
        '    <<: *env',
      ].join('\n'),
    ),
    ['a.env', 'b.env', 'c.env', 'shared.env'],
  );
  assert.deepEqual(envFileNames('not: [valid'), []);
});

test('readStackFiles reads the compose file, the .env beside it and the env files; missing ones are left out', async () => {
  mkdirSync(join(dir, 'app', 'conf'), { recursive: true });
  const compose = [
    'services:',
    '  web:',
    '    image: nginx:${TAG}',
    '    env_file: [conf/web.env, missing.env]',
  ].join('\n');
  writeFileSync(join(dir, 'app', 'stack.yml'), compose);
  writeFileSync(join(dir, 'app', '.env'), 'TAG=1.27\n');
  writeFileSync(join(dir, 'app', 'conf', 'web.env'), 'A=1\n');
  const files = await readStackFiles(join(dir, 'app', 'stack.yml'));
  assert.deepEqual(files, {
    compose: { path: join(dir, 'app', 'stack.yml'), content: compose },
    dotEnv: { path: join(dir, 'app', '.env'), content: 'TAG=1.27\n' },
    envFiles: [{ path: join(dir, 'app', 'conf', 'web.env'), content: 'A=1\n' }],
  });
  // The agent then reports the missing one at its entry.
  assert.deepEqual(errors(loadStack('demo', files, {})), [
    `4:30 error services.web.env_file[1]: env file "missing.env" not found (looked for ${join(dir, 'app', 'missing.env')})`,
  ]);
});

test('readStackFiles without a .env, and a missing compose file is an error', async () => {
  writeFileSync(join(dir, 'alone.yml'), 'services:\n  web:\n    image: nginx\n');
  assert.deepEqual(Object.keys(await readStackFiles(join(dir, 'alone.yml'))), ['compose']);
  await assert.rejects(readStackFiles(join(dir, 'nope.yml')), { code: 'ENOENT' });
});
