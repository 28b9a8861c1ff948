// Runs the extension-host test suite (test/vscode/suite) in a real VS Code through @vscode/test-electron.
//   node --import tsx test/vscode/run-integration.ts        (npm run test:vscode-integration)
// By default VS Code is the project's code-server stand-in (scripts/code-server-vscode, needs
// scripts/setup-vscode.sh); on a desktop set SHOAL_VSCODE_EXECUTABLE to a real VS Code binary
// (e.g. /usr/share/code/code). The extension host gets SHOAL_HOME = SHOAL_TEST_HOME (the sandbox that
// scripts/test-vscode.sh brought up), else the caller's SHOAL_HOME, else a throw-away dir.
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite } from './build-suite';
import { REPO_ROOT } from './code-server';

const WORKSPACE = join(REPO_ROOT, 'test', 'vscode', 'fixtures', 'workspace');

async function main(): Promise<number> {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (built.status !== 0) return 1;
  const extensionTestsPath = await buildSuite();
  // The sandbox's home when scripts/test-vscode.sh brought one up (the extension then finds its agent's
  // socket there), else the caller's SHOAL_HOME, else a throw-away dir (no agent: engine tests skip).
  const given = process.env.SHOAL_TEST_HOME ?? process.env.SHOAL_HOME;
  const ownHome = given === undefined;
  const home = given ?? mkdtempSync(join(tmpdir(), 'shoal-vscode-home-'));
  const started = Date.now();
  try {
    await runTests({
      vscodeExecutablePath:
        process.env.SHOAL_VSCODE_EXECUTABLE ?? join(REPO_ROOT, 'scripts', 'code-server-vscode'),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath,
      launchArgs: [WORKSPACE],
      extensionTestsEnv: { SHOAL_HOME: home },
    });
    console.error(`extension-host suite passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (err) {
    console.error(`extension-host suite failed: ${(err as Error).message}`);
    return 1;
  } finally {
    if (ownHome) rmSync(home, { recursive: true, force: true });
  }
}

void main().then((code) => {
  process.exitCode = code;
});
