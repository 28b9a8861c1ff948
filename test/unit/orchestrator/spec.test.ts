import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { modeName, withDefaults } from '../../../agent/orchestrator/spec/defaults';
import { validateServiceSpec, validateServiceUpdate } from '../../../agent/orchestrator/spec/validate';
import type { ServiceSpec } from '../../../agent/types/swarm';

const cliBodies = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/docker-cli/service-create.json'), 'utf8'),
) as Array<{ command: string; body: ServiceSpec }>;

function base(): ServiceSpec {
  return { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } } };
}

function rejects(spec: unknown, message: RegExp): void {
  assert.throws(
    () => validateServiceSpec(spec),
    (e: Error & { status?: number }) => {
      assert.equal(e.status, 400);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('what the docker CLI sends for host-mode services is accepted', () => {
  const hostMode = cliBodies[1]!.body;
  assert.equal(validateServiceSpec(hostMode).Name, 'w2');
});

test('ingress ports are refused with a hint to use host mode', () => {
  rejects(
    cliBodies[0]!.body,
    /EndpointSpec\.Ports\[0\]: ingress publishing .* mode=host,target=80,published=8080/,
  );
});

test('unknown fields are errors naming their path', () => {
  const spec = base() as unknown as { TaskTemplate: { ContainerSpec: Record<string, unknown> } };
  spec.TaskTemplate.ContainerSpec.Frobnicate = 1;
  rejects(spec, /^unknown field TaskTemplate\.ContainerSpec\.Frobnicate$/);
});

test('unsupported Docker fields are errors unless empty', () => {
  const withSecrets = {
    ...base(),
    TaskTemplate: { ContainerSpec: { Image: 'x', Secrets: [{ SecretName: 's' }] } },
  };
  rejects(withSecrets, /TaskTemplate\.ContainerSpec\.Secrets is not supported by Shoal/);
  const emptySecrets = { ...base(), TaskTemplate: { ContainerSpec: { Image: 'x', Secrets: [] } } };
  assert.doesNotThrow(() => validateServiceSpec(emptySecrets));
});

test('negative replicas, bad enums and wrong types name the field', () => {
  rejects(
    { ...base(), Mode: { Replicated: { Replicas: -1 } } },
    /Mode\.Replicated\.Replicas must be at least 0, got -1/,
  );
  rejects(
    { ...base(), UpdateConfig: { Order: 'sideways' } },
    /UpdateConfig\.Order must be one of "stop-first", "start-first"/,
  );
  rejects({ ...base(), Labels: { a: 1 } }, /Labels\["a"\] must be a string/);
  rejects({ ...base(), Mode: { Replicated: {}, Global: {} } }, /only one of/);
});

test('names follow swarm rules', () => {
  rejects({ ...base(), Name: '../x' }, /Name "\.\.\/x" is invalid/);
  rejects({ ...base(), Name: '-web' }, /invalid/);
  rejects({ ...base(), Name: 'a'.repeat(64) }, /Name is too long/);
  rejects({ ...base(), Name: '' }, /Name is required/);
});

test('host-taking mounts and capabilities are refused', () => {
  const mount = (Source: string) => ({
    ...base(),
    TaskTemplate: { ContainerSpec: { Image: 'x', Mounts: [{ Type: 'bind', Source, Target: '/h' }] } },
  });
  rejects(mount('/'), /Mounts\[0\]\.Source "\/" is refused/);
  rejects(mount('/var/run/docker.sock'), /refused/);
  rejects(mount('/tmp/../var/run/docker.sock'), /refused/);
  assert.doesNotThrow(() => validateServiceSpec(mount('/srv/data')));
  rejects(mount('data'), /Mounts\[0\]\.Source must be an absolute host path/);
  rejects(mount(''), /must be an absolute host path/);
  rejects(
    { ...base(), TaskTemplate: { ContainerSpec: { Image: 'x', CapabilityAdd: ['CAP_SYS_ADMIN'] } } },
    /CapabilityAdd\[0\] "CAP_SYS_ADMIN" is refused/,
  );
});

test('reserved labels cannot be forged', () => {
  rejects(
    {
      ...base(),
      TaskTemplate: { ContainerSpec: { Image: 'x', Labels: { 'com.docker.swarm.task.id': 'x' } } },
    },
    /reserved for Shoal/,
  );
});

test('defaults are Docker defaults', () => {
  const s = withDefaults(base());
  assert.deepEqual(s.Mode, { Replicated: { Replicas: 1 } });
  assert.deepEqual(s.UpdateConfig, {
    Parallelism: 1,
    Delay: 0,
    FailureAction: 'pause',
    Monitor: 5e9,
    MaxFailureRatio: 0,
    Order: 'stop-first',
  });
  assert.deepEqual(s.TaskTemplate.RestartPolicy, { Condition: 'any', Delay: 5e9, MaxAttempts: 0, Window: 0 });
  assert.equal(s.TaskTemplate.ContainerSpec.StopGracePeriod, 10e9);
  assert.equal(s.EndpointSpec?.Mode, 'vip');
});

test('rename and mode change are refused', () => {
  assert.throws(
    () => validateServiceUpdate(base(), { ...base(), Name: 'other' }),
    /renaming services is not supported/,
  );
  assert.throws(
    () => validateServiceUpdate(base(), { ...base(), Mode: { Global: {} } }),
    /service mode change is not allowed/,
  );
  assert.equal(modeName({ ...base(), Mode: { ReplicatedJob: {} } }), 'replicated-job');
});
