import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineFacts, engineLabels } from '../../../agent/cluster/describe';
import { UnavailableError } from '../../../agent/util/errors';

test('the node description follows Docker: hostname, platform as reported, resources, engine', () => {
  const facts = engineFacts(
    {
      ID: 'ABCD:EFGH',
      Name: 'node1',
      DockerRootDir: '/data/docker',
      OSType: 'linux',
      Architecture: 'x86_64',
      NCPU: 4,
      MemTotal: 8_200_000_000,
      ServerVersion: '20.10.24',
      Labels: ['zone=eu-1', 'ssd', 'k=v=w'],
      Plugins: {
        Volume: ['local'],
        Network: ['overlay', 'bridge', 'bridge'],
        Log: ['json-file'],
        Authorization: null,
      },
    },
    { Version: '20.10.24+dfsg1', Arch: 'amd64', Os: 'linux' },
  );
  assert.equal(facts.engineId, 'ABCD:EFGH');
  assert.equal(facts.dockerRootDir, '/data/docker');
  assert.deepEqual(facts.description, {
    Hostname: 'node1',
    Platform: { Architecture: 'x86_64', OS: 'linux' },
    Resources: { NanoCPUs: 4e9, MemoryBytes: 8_200_000_000 },
    Engine: {
      EngineVersion: '20.10.24+dfsg1',
      Labels: { zone: 'eu-1', ssd: '', k: 'v=w' },
      Plugins: [
        { Type: 'Log', Name: 'json-file' },
        { Type: 'Network', Name: 'bridge' },
        { Type: 'Network', Name: 'overlay' },
        { Type: 'Volume', Name: 'local' },
      ],
    },
  });
});

test('an /info without ID or Name is an engine fault', () => {
  assert.throws(
    () => engineFacts({ Name: 'x' }, {}),
    (e: unknown) => e instanceof UnavailableError && /no ID/.test(e.message),
  );
  assert.throws(() => engineFacts(Buffer.from('OK'), {}), UnavailableError);
});

test('engine labels ignore junk', () => {
  assert.deepEqual(engineLabels(['a=1', 7, '', null]), { a: '1' });
  assert.deepEqual(engineLabels(undefined), {});
});
