import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StackPlan } from '../../../agent/stacks/types';
import {
  confirmationQuestion,
  describeSummary,
  formatChange,
  formatDiagnostic,
  formatValue,
  hasWork,
  renderPlanMarkdown,
  summarizePlan,
} from '../../../extension/stacks/plan-render';

const plan: StackPlan = {
  stack: 'shop',
  networks: [
    { name: 'shop_default', key: 'default', action: 'create' },
    { name: 'proxy', key: 'proxy', action: 'external' },
  ],
  services: [
    { name: 'shop_web', key: 'web', action: 'create' },
    { name: 'shop_api', key: 'api', action: 'create' },
    {
      name: 'shop_db',
      key: 'db',
      action: 'update',
      id: 'db1',
      changes: [
        { path: 'TaskTemplate.ContainerSpec.Image', before: 'postgres:16', after: 'postgres:17' },
        { path: 'TaskTemplate.ContainerSpec.Env', before: undefined, after: ['A=1'] },
        { path: 'Mode.Replicated.Replicas', before: 2, after: undefined },
      ],
    },
    { name: 'shop_old', action: 'remove', id: 'old1' },
    { name: 'shop_cache', key: 'cache', action: 'unchanged', id: 'c1' },
  ],
  warnings: [
    {
      severity: 'warning',
      message: 'build is ignored by stack deploy',
      file: '/ws/shop/compose.yaml',
      line: 4,
      column: 5,
      endLine: 4,
      endColumn: 10,
      keyPath: 'services.web.build',
    },
  ],
};

test('a plan is summarised as counts and a confirmation question', () => {
  const summary = summarizePlan(plan);
  assert.deepEqual(summary, { create: 2, update: 1, remove: 1, unchanged: 1, networksToCreate: 1 });
  assert.ok(hasWork(summary));
  assert.equal(confirmationQuestion(plan), 'Deploy stack shop: 2 to create, 1 to update, 1 to remove?');
  const idle = summarizePlan({ ...plan, networks: [], services: [plan.services[4]!] });
  assert.ok(!hasWork(idle));
  assert.equal(describeSummary(idle), 'nothing to change');
  assert.equal(
    describeSummary({ create: 0, update: 0, remove: 0, unchanged: 2, networksToCreate: 1 }),
    '1 network to create',
  );
});

test('values are shortened to one line', () => {
  assert.equal(formatValue('postgres:16'), '"postgres:16"');
  assert.equal(formatValue(undefined), '(none)');
  assert.equal(formatValue({ a: [1, 2] }), '{"a":[1,2]}');
  const long = formatValue('x'.repeat(200), 20);
  assert.equal(long.length, 20);
  assert.ok(long.endsWith('\u2026'));
  assert.equal(formatChange({ path: 'P', before: 1, after: 2 }), '`P`: 1 \u2192 2');
  assert.equal(formatChange({ path: 'P', after: 2 }), '`P`: 2 (added)');
  assert.equal(formatChange({ path: 'P', before: 1 }), '`P`: 1 (removed)');
});

test('the preview lists networks, each kind of service change and the warnings', () => {
  const text = renderPlanMarkdown(plan, { composeFile: '/ws/shop/compose.yaml', unsaved: true });
  assert.match(text, /^# Stack `shop`: deploy preview$/m);
  assert.match(
    text,
    /From `compose\.yaml \(unsaved changes from the editor\)` — 2 to create, 1 to update, 1 to remove, 1 unchanged\./,
  );
  assert.match(text, /- `shop_default` to create/);
  assert.match(text, /- `proxy` external \(must exist\)/);
  assert.match(text, /### To create \(2\)\n\n- `shop_api`\n- `shop_web`/);
  assert.match(
    text,
    /### To update \(1\)\n\n- `shop_db`\n {2}- `TaskTemplate\.ContainerSpec\.Image`: "postgres:16" → "postgres:17"\n {2}- `TaskTemplate\.ContainerSpec\.Env`: \["A=1"\] \(added\)\n {2}- `Mode\.Replicated\.Replicas`: 2 \(removed\)/,
  );
  assert.match(text, /### To remove \(1\)\n\n- `shop_old` — no longer in the file/);
  assert.match(text, /### Unchanged \(1\)\n\n- `shop_cache`/);
  assert.match(text, /## Warnings \(1\)\n\n- compose\.yaml:4:5: build is ignored by stack deploy/);
  assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
  assert.match(text, /Nothing has been applied yet/);
  const saved = renderPlanMarkdown(plan, { composeFile: '/ws/shop/compose.yaml' });
  assert.doesNotMatch(saved, /unsaved/);
  const deployed = renderPlanMarkdown(plan, { composeFile: '/ws/shop/compose.yaml', deployedAt: new Date() });
  assert.match(deployed, /^Deployed at .+\.$/m);
  assert.doesNotMatch(deployed, /Nothing has been applied/);
});

test('long change lists are cut, empty plans say so', () => {
  const many = Array.from({ length: 30 }, (_, i) => ({ path: `Labels.l${i}`, before: 'a', after: 'b' }));
  const text = renderPlanMarkdown(
    { stack: 's', networks: [], warnings: [], services: [{ name: 's_x', action: 'update', changes: many }] },
    { composeFile: '/c/compose.yaml', maxChanges: 5 },
  );
  assert.equal((text.match(/`Labels\.l\d+`/g) ?? []).length, 5);
  assert.match(text, /… and 25 more/);
  const empty = renderPlanMarkdown(
    { stack: 's', networks: [], warnings: [], services: [] },
    { composeFile: '/c/compose.yaml' },
  );
  assert.match(empty, /## Services\n\nNone\./);
  assert.doesNotMatch(empty, /## Networks|## Warnings/);
});

test('diagnostics print as file:line:column, relative to the compose folder when inside it', () => {
  const d = plan.warnings[0]!;
  assert.equal(formatDiagnostic(d, '/ws/shop'), 'compose.yaml:4:5: build is ignored by stack deploy');
  assert.equal(
    formatDiagnostic(d, '/elsewhere'),
    '/ws/shop/compose.yaml:4:5: build is ignored by stack deploy',
  );
  assert.equal(formatDiagnostic({ ...d, file: '', keyPath: '' }), 'build is ignored by stack deploy');
});
