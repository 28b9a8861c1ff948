import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ago,
  deployLines,
  formatDiagnostic,
  planText,
  servicesTable,
  stacksTable,
  tasksTable,
} from '../../../agent/cli/stack-output';
import type { StackDeployResult } from '../../../agent/stacks/types';
import type { Service, SwarmNode, Task } from '../../../agent/types/swarm';

const result: StackDeployResult = {
  stack: 'app',
  networks: [
    { name: 'app_default', key: 'default', action: 'create' },
    { name: 'shared', key: 'shared', action: 'external' },
  ],
  services: [
    { name: 'app_web', key: 'web', action: 'create' },
    {
      name: 'app_api',
      key: 'api',
      action: 'update',
      id: 'a',
      changes: [
        { path: 'TaskTemplate.ContainerSpec.Image', before: 'shoal/web:latest', after: 'shoal/web:v2' },
        { path: 'TaskTemplate.ContainerSpec.Env', after: ['A=1'] },
      ],
    },
    { name: 'app_db', key: 'db', action: 'unchanged', id: 'b' },
    { name: 'app_old', action: 'remove', id: 'c' },
  ],
  warnings: [],
  serviceIds: {},
};

test('deploy prints each step in the docker CLI words, updates with their fields', () => {
  assert.deepEqual(deployLines(result), [
    'Creating network app_default',
    'Creating service app_web',
    'Updating service app_api (2 fields: TaskTemplate.ContainerSpec.Image, TaskTemplate.ContainerSpec.Env)',
    'Service app_db is unchanged',
    'Removing service app_old',
  ]);
});

test('diff prints the plan with every change before and after', () => {
  assert.equal(
    planText(result),
    [
      '+ network app_default (create)',
      '  network shared (external, exists)',
      '+ service app_web (create)',
      '~ service app_api (2 fields: TaskTemplate.ContainerSpec.Image, TaskTemplate.ContainerSpec.Env)',
      '    TaskTemplate.ContainerSpec.Image: "shoal/web:latest" -> "shoal/web:v2"',
      '    TaskTemplate.ContainerSpec.Env: (not set) -> ["A=1"]',
      '  service app_db (unchanged)',
      '- service app_old (remove)',
      'Stack app: 1 to create, 1 to update, 1 unchanged, 1 to remove',
      '',
    ].join('\n'),
  );
});

test('diagnostics print as file:line:column: severity: message', () => {
  assert.equal(
    formatDiagnostic({
      severity: 'warning',
      message: 'ignoring build',
      file: '/s/stack.yml',
      line: 3,
      column: 5,
      endLine: 3,
      endColumn: 10,
      keyPath: 'services.web.build',
    }),
    '/s/stack.yml:3:5: warning: ignoring build',
  );
});

test('ls, services and ps tables', () => {
  assert.equal(
    stacksTable([{ name: 'app', services: 3, orchestrator: 'Swarm' }]),
    'NAME  SERVICES\napp   3\n',
  );
  const service = {
    ID: 'abcdefabcdefabcdefabcdefa',
    Version: { Index: 1 },
    CreatedAt: '',
    UpdatedAt: '',
    Spec: {
      Name: 'app_web',
      TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' } },
      Mode: { Replicated: { Replicas: 2 } },
    },
    Endpoint: {
      Spec: {},
      Ports: [{ TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp', PublishMode: 'host' }],
    },
    ServiceStatus: { RunningTasks: 1, DesiredTasks: 2, CompletedTasks: 0 },
  } as Service;
  assert.equal(
    servicesTable([service]),
    'ID            NAME     MODE        REPLICAS  IMAGE             PORTS\n' +
      'abcdefabcdef  app_web  replicated  1/2       shoal/web:latest  *:8080->80/tcp\n',
  );
  const now = Date.parse('2026-01-01T00:10:00Z');
  const task = (id: string, state: Task['Status']['State'], at: string, err?: string): Task => ({
    ID: id,
    Version: { Index: 1 },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: { ContainerSpec: { Image: 'shoal/web:latest' } },
    ServiceID: service.ID,
    Slot: 1,
    NodeID: 'n1',
    DesiredState: state === 'running' ? 'running' : 'shutdown',
    Status: { Timestamp: at, State: state, Message: '', ...(err ? { Err: err } : {}) },
  });
  const nodes = [{ ID: 'n1', Description: { Hostname: 'node1' } }] as SwarmNode[];
  const out = tasksTable(
    [task('old', 'failed', '2026-01-01T00:05:00Z', 'exit 1'), task('new', 'running', '2026-01-01T00:09:58Z')],
    [service],
    nodes,
    now,
  );
  assert.deepEqual(out.split('\n'), [
    'ID   NAME           IMAGE             NODE   DESIRED STATE  CURRENT STATE          ERROR     PORTS',
    'new  app_web.1      shoal/web:latest  node1  Running        Running 2 seconds ago',
    'old   \\_ app_web.1  shoal/web:latest  node1  Shutdown       Failed 5 minutes ago   "exit 1"',
    '',
  ]);
  assert.equal(ago('2026-01-01T00:00:00Z', Date.parse('2026-01-03T00:00:00Z')), '2 days ago');
});
