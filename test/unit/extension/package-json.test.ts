import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS, VIEW_IDS } from '../../../extension/commands/ids';
import { FIX_COMMANDS } from '../../../extension/views/messages';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    views: Record<string, Array<{ id: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
    menus: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, { default: unknown }> };
  };
}

const root = path.join(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;

test('every registered command is contributed, with the Shoal category, and nothing else', () => {
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(contributed, Object.values(COMMANDS).sort());
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'Shoal', c.command);
  for (const command of Object.values(FIX_COMMANDS)) assert.ok(contributed.includes(command), command);
});

test('menus name only contributed commands; views and activation match', () => {
  const known = new Set(Object.values(COMMANDS) as string[]);
  for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
    for (const item of items) assert.ok(known.has(item.command), `${menu}: ${item.command}`);
  }
  assert.deepEqual(
    manifest.contributes.views.shoal?.map((v) => v.id),
    Object.values(VIEW_IDS),
  );
  for (const id of Object.values(VIEW_IDS)) assert.ok(manifest.activationEvents.includes(`onView:${id}`));
  assert.equal(manifest.main, './dist/extension.js');
  assert.ok(fs.existsSync(path.join(root, manifest.contributes.viewsContainers.activitybar[0]?.icon ?? '')));
  assert.deepEqual(Object.keys(manifest.contributes.configuration.properties).sort(), [
    'shoal.agent.command',
    'shoal.agent.endpoint',
  ]);
});

/** Evaluates the `viewItem =~ /re/` or `viewItem == x` part of a when clause against a contextValue. */
function shownFor(command: string, contextValue: string): boolean {
  return manifest.contributes.menus['view/item/context']!.some((item) => {
    if (item.command !== command || !item.when) return false;
    const regex = /viewItem =~ \/(.+)\/$/.exec(item.when);
    if (regex?.[1]) return new RegExp(regex[1]).test(contextValue);
    const equal = /viewItem == (\S+)$/.exec(item.when);
    return equal?.[1] === contextValue;
  });
}

test('item menus match the contextValues the trees produce', () => {
  assert.ok(shownFor(COMMANDS.serviceScale, 'service.replicated'));
  assert.ok(shownFor(COMMANDS.serviceScale, 'service.replicated.updating.previous'));
  assert.ok(!shownFor(COMMANDS.serviceScale, 'service.replicated-job'));
  assert.ok(!shownFor(COMMANDS.serviceScale, 'service.global'));
  assert.ok(shownFor(COMMANDS.serviceRollback, 'service.global.previous'));
  assert.ok(!shownFor(COMMANDS.serviceRollback, 'service.replicated'));
  assert.ok(shownFor(COMMANDS.serviceRemove, 'service.global'));
  assert.ok(shownFor(COMMANDS.nodeDrain, 'node.ready.active'));
  assert.ok(shownFor(COMMANDS.nodeDrain, 'node.down.pause'));
  assert.ok(!shownFor(COMMANDS.nodeDrain, 'node.ready.drain'));
  assert.ok(shownFor(COMMANDS.nodeActivate, 'node.ready.drain'));
  assert.ok(!shownFor(COMMANDS.nodeActivate, 'node.ready.active'));
  assert.ok(shownFor(COMMANDS.nodePause, 'node.ready.active'));
  assert.ok(!shownFor(COMMANDS.nodePause, 'node.ready.pause'));
  assert.ok(shownFor(COMMANDS.showLogs, 'task.running'));
  assert.ok(!shownFor(COMMANDS.nodeRemove, 'task.running'));
  assert.ok(shownFor(COMMANDS.networkRemove, 'network.overlay'));
  assert.ok(shownFor(COMMANDS.agentStart, 'message.not-running'));
  assert.ok(shownFor(COMMANDS.agentSetToken, 'message.unauthorized'));
});
