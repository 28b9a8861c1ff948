import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../../extension/commands/ids';
import { COMPOSE_FILE_PATTERN } from '../../../extension/stacks/compose-files';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string; title: string }>; menus: Record<string, MenuItem[]> };
};
const menus = manifest.contributes.menus;

/** The regex of a `resourceFilename =~ /re/flags` clause. */
function filenameRegex(when: string | undefined): RegExp | undefined {
  const match = /resourceFilename =~ \/(.+?)\/([a-z]*)(?:\s|$)/.exec(when ?? '');
  return match?.[1] === undefined ? undefined : new RegExp(match[1], match[2]);
}

test('deploy and update are on compose files in the Explorer, the editor and its tab', () => {
  for (const menu of ['explorer/context', 'editor/context', 'editor/title/context']) {
    for (const command of [COMMANDS.stackDeploy, COMMANDS.stackUpdate]) {
      const item = menus[menu]?.find((i) => i.command === command);
      assert.ok(item, `${menu}: ${command}`);
      const regex = filenameRegex(item.when);
      assert.ok(regex, `${menu}: ${item.when}`);
      assert.equal(regex.source, COMPOSE_FILE_PATTERN.source, 'menus and the palette agree');
      for (const name of ['docker-compose.yml', 'compose.yaml', 'compose.prod.yml'])
        assert.ok(regex.test(name), name);
      for (const name of ['package.json', 'values.yaml']) assert.ok(!regex.test(name), name);
    }
  }
  assert.match(menus['explorer/context']?.[0]?.when ?? '', /!explorerResourceIsFolder/);
});

test('Remove Stack is on stack items; the stack commands are in the palette when connected', () => {
  const remove = menus['view/item/context']?.find((i) => i.command === COMMANDS.stackRemove);
  assert.equal(remove?.when, 'viewItem == stack');
  for (const command of [COMMANDS.stackDeploy, COMMANDS.stackUpdate, COMMANDS.stackRemove]) {
    assert.equal(menus.commandPalette?.find((i) => i.command === command)?.when, 'shoal.connected', command);
  }
  const titles = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, c.title]));
  assert.equal(titles[COMMANDS.stackDeploy], 'Deploy Stack\u2026');
  assert.equal(titles[COMMANDS.stackUpdate], 'Update Stack from File');
  assert.equal(titles[COMMANDS.stackRemove], 'Remove Stack');
  // No service item menu leaks onto stack items.
  for (const item of menus['view/item/context'] ?? []) {
    const regex = /viewItem =~ \/(.+)\/$/.exec(item.when ?? '');
    if (regex?.[1]) assert.ok(!new RegExp(regex[1]).test('stack'), item.command);
  }
});
