import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDirty } from '../../../agent/orchestrator/task-model';
import type { PortConfig, Service, Task } from '../../../agent/types/swarm';

function service(ports: PortConfig[], specVersion: number): Service {
  return {
    ID: 's1',
    Version: { Index: specVersion },
    SpecVersion: { Index: specVersion },
    Spec: {
      Name: 'web',
      TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } },
      EndpointSpec: { Ports: ports },
    },
  } as Service;
}

function taskOf(svc: Service): Task {
  return {
    ID: 't1',
    ServiceID: svc.ID,
    SpecVersion: { Index: specVersionIndex(svc) },
    Spec: structuredClone(svc.Spec.TaskTemplate),
    Endpoint: { Spec: structuredClone(svc.Spec.EndpointSpec ?? {}) },
  } as Task;
}

function specVersionIndex(svc: Service): number {
  return svc.SpecVersion?.Index ?? svc.Version.Index;
}

test('a port that only spells out the default protocol and mode does not make tasks dirty', () => {
  const before = service([{ TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }], 1);
  const after = service([{ TargetPort: 80, PublishedPort: 8080, PublishMode: 'host', Protocol: 'tcp' }], 2);
  assert.equal(isDirty(taskOf(before), after), false);
});

test('a different published port makes tasks dirty', () => {
  const before = service([{ TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }], 1);
  const after = service([{ TargetPort: 80, PublishedPort: 8081, PublishMode: 'host' }], 2);
  assert.equal(isDirty(taskOf(before), after), true);
});

test('udp instead of the default tcp makes tasks dirty', () => {
  const before = service([{ TargetPort: 53, PublishedPort: 5353, PublishMode: 'host' }], 1);
  const after = service([{ TargetPort: 53, PublishedPort: 5353, PublishMode: 'host', Protocol: 'udp' }], 2);
  assert.equal(isDirty(taskOf(before), after), true);
});
