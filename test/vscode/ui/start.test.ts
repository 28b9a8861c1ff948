// `npm start` end to end (as root: it brings up its own sandbox): scripts/start.sh in its own SHOAL_HOME serves
// VS Code at the printed loopback URL behind the printed password, the extension in it shows the sandbox's
// nodes, and a Ctrl-C (SIGINT to its process group, as a terminal sends it) stops everything it started.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, launchBrowser, REPO_ROOT, type Browser } from '../code-server';
import { WORKSPACE } from './session';
import { Workbench } from './workbench';

const TIMEOUT = { timeout: 120_000 };
const isRoot = process.getuid?.() === 0;

/** Processes whose command line or environment mentions `text` (the start's own SHOAL_HOME). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cmdline.includes(text) || environ.includes(text))
        found.push(`${pid} ${cmdline.replace(/\0/g, ' ')}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

describe(
  'npm start',
  { ...TIMEOUT, skip: isRoot ? false : 'needs root (npm start brings up a sandbox)' },
  () => {
    let home: string;
    let port: number;
    let start: ChildProcess;
    let output = '';
    let exited: Promise<number | null>;
    let browser: Browser | undefined;

    before(async () => {
      // Short: unix socket paths under it must stay below 108 bytes.
      home = mkdtempSync('/tmp/shoal-start-');
      port = await freePort();
      start = spawn('bash', ['scripts/start.sh'], {
        cwd: REPO_ROOT,
        detached: true, // its own process group, like a terminal's foreground job
        env: { ...process.env, SHOAL_HOME: home, SHOAL_PORT: String(port), SHOAL_WORKSPACE: WORKSPACE },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      exited = new Promise((resolve) => start.on('exit', (code) => resolve(code)));
      start.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      start.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    });

    after(async () => {
      await browser?.close();
      if (start.exitCode === null && start.signalCode === null) {
        try {
          process.kill(-(start.pid ?? 0), 'SIGINT');
        } catch {
          // already gone
        }
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    });

    it('prints a loopback URL and a password; the workbench there shows the sandbox', TIMEOUT, async () => {
      const banner = await new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 90 s:\n${output}`)), 90_000);
        const check = (): void => {
          const match = /Shoal in VS Code:\s+(http:\/\/127\.0\.0\.1:(\d+)\/\S*)\s+password:\s+(\S+)/.exec(
            output,
          );
          if (match) {
            clearTimeout(timer);
            resolve(match);
          }
        };
        start.stderr?.on('data', check);
        start.on('exit', () => reject(new Error(`start.sh exited:\n${output}`)));
        check();
      });
      const [, url = '', printedPort, password = ''] = banner;
      assert.equal(Number(printedPort), port, 'SHOAL_PORT is honoured');
      assert.ok(password.length >= 20, 'a long random password');

      // Without the password: the login page, not the workbench.
      const anonymous = await fetch(url, { redirect: 'manual' });
      assert.equal(anonymous.status, 302);
      assert.match(anonymous.headers.get('location') ?? '', /login/);
      // The password is in a 0600 file, not on code-server's command line or in its environment.
      const config = join(home, 'vscode', 'config.yaml');
      assert.equal(statSync(config).mode & 0o777, 0o600);
      const serving = processesMentioning(join(home, 'vscode', 'config.yaml'));
      assert.ok(serving.length > 0, 'code-server runs with the config file');
      assert.deepEqual(processesMentioning(password), [], 'the password leaks into a process');

      browser = await launchBrowser();
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(url);
      await page.locator('input[type="password"]').fill(password);
      await page.keyboard.press('Enter');
      const wb = new Workbench(page);
      await wb.ready();
      await wb.openViewContainer('Shoal', 'shoal');
      const nodes = await wb.view('Nodes');
      for (const node of ['node1', 'node2', 'node3']) {
        await wb.waitForRowDescription(wb.treeRow(node, nodes), / · 0 tasks$/, 30_000);
      }
      await wb.screenshot('start-1-npm-start-workbench');
      await browser.close();
      browser = undefined;
    });

    it('stops code-server, the agent and the sandbox on Ctrl-C', TIMEOUT, async () => {
      assert.ok(start.exitCode === null, `start.sh already exited:\n${output}`);
      process.kill(-(start.pid ?? 0), 'SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 30_000))),
      ]);
      clearTimeout(timer);
      assert.notEqual(code, 'timeout', `start.sh did not stop within 30 s:\n${output}`);
      assert.deepEqual(processesMentioning(home), [], 'processes of this start are left');
      assert.match(output, /sandbox: down/);
    });
  },
);
