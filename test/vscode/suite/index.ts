// The extension-test entry point that VS Code's extension host loads (`--extensionTestsPath`): it runs every
// compiled `*.test.js` next to it with mocha. Built by test/vscode/build-suite.ts into .vscode-test/suite/.
//   SHOAL_VSCODE_GREP=<text>   run only the tests whose full title contains <text>
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (entry.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

export function run(): Promise<void> {
  // The output reaches the test runner's stdout through the extension host's log forwarding: no colours.
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000 });
  const grep = process.env.SHOAL_VSCODE_GREP;
  if (grep) mocha.grep(grep);
  const files = findTests(__dirname);
  for (const file of files) mocha.addFile(file);
  // First line of the suite's output: scripts/code-server-vscode prints from here on (the workbench's own log
  // before it is noise).
  const ui = vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop';
  console.log(`shoal extension tests: ${files.length} file(s) in VS Code ${vscode.version} (${ui})`);
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
      else resolve();
    });
  });
}
