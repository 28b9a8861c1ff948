// Smoke tests that run inside a real VS Code extension host (code-server in CI, or a desktop VS Code through
// SHOAL_VSCODE_EXECUTABLE). Add more `*.test.ts` files beside this one; they use mocha's bdd interface and
// the real `vscode` API. SHOAL_HOME is a throw-away directory unless the caller set one.
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'shoal.shoal';

interface Contributes {
  commands?: { command: string }[];
}

describe('Shoal extension', () => {
  let extension: vscode.Extension<unknown>;

  before(() => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
    extension = found;
  });

  it('runs in a VS Code 1.100+ extension host', () => {
    const [major = 0, minor = 0] = vscode.version.split('.').map(Number);
    assert.ok(major > 1 || (major === 1 && minor >= 100), `VS Code ${vscode.version}`);
    assert.equal(extension.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it('activates', async () => {
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command it contributes', async function () {
    await extension.activate();
    const contributes = (extension.packageJSON as { contributes?: Contributes }).contributes;
    const contributed = (contributes?.commands ?? []).map((c) => c.command);
    if (contributed.length === 0) {
      this.skip(); // no commands contributed yet: activation alone is checked above
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(
      [...registered].some((id) => id.startsWith('shoal.')),
      'no shoal.* command is registered',
    );
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
