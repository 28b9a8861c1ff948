// A stand-in for the VS Code executable that `@vscode/test-electron`'s `runTests` launches
// (`vscodeExecutablePath`): it takes the same flags and runs the extension test suite through code-server.
//
//   code-server-vscode --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [WORKSPACE] [other flags]
//
// It starts code-server on a free loopback port with throw-away directories, opens the workbench in a headless
// Chromium with the `payload` query parameter (which makes the workbench load DIR as the extension under
// development and run FILE's `run()` in the Node extension host), forwards the test output to stdout and exits
// with the suite's exit code. `--user-data-dir` / `--extensions-dir` are accepted but replaced by throw-away
// directories (every run starts clean). SHOAL_VSCODE_TIMEOUT (seconds, default 180) bounds the whole run;
// SHOAL_VSCODE_VERBOSE=1 also prints code-server's log and the browser console.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, stripVTControlCharacters } from 'node:util';
import { launchBrowser, startCodeServer, type Browser, type CodeServer } from './code-server';

interface Args {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string | undefined;
  workspace: string | undefined;
}

const VALUE_FLAGS = new Set([
  'extensionDevelopmentPath',
  'extensionTestsPath',
  'user-data-dir',
  'extensions-dir',
]);

function parseArgs(argv: string[]): Args {
  const args: Args = { extensionDevelopmentPaths: [], extensionTestsPath: undefined, workspace: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      let value = eq >= 0 ? arg.slice(eq + 1) : undefined;
      if (value === undefined && VALUE_FLAGS.has(name)) value = argv[++i];
      if (value === undefined) continue; // a boolean flag we ignore (--no-sandbox, --disable-updates, ...)
      if (name === 'extensionDevelopmentPath') args.extensionDevelopmentPaths.push(resolve(value));
      else if (name === 'extensionTestsPath') args.extensionTestsPath = resolve(value);
      // user-data-dir, extensions-dir and other valued flags: replaced by throw-away dirs / ignored
    } else if (!arg.startsWith('-')) {
      args.workspace = resolve(arg);
    }
  }
  return args;
}

/** The workbench URL that makes code-server run the suite (paths as vscode-remote URIs on this server). */
function payloadUrl(server: { url: string; port: number }, args: Args, testsPath: string): string {
  const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload: [string, string][] = [
    ...args.extensionDevelopmentPaths.map((p): [string, string] => ['extensionDevelopmentPath', remote(p)]),
    ['extensionTestsPath', remote(testsPath)],
  ];
  const query = new URLSearchParams({ payload: JSON.stringify(payload) });
  if (args.workspace !== undefined) {
    const isFile = existsSync(args.workspace) && statSync(args.workspace).isFile();
    query.set(isFile ? 'workspace' : 'folder', args.workspace);
  } else {
    query.set('ew', 'true'); // an empty window
  }
  return `${server.url}/?${query.toString()}`;
}

/** The suite's first line (test/vscode/suite/index.ts); what the workbench logs before it is noise. */
const SUITE_MARKER = 'shoal extension tests:';

/** `codeAutomationLog`'s message: a console call's arguments (printf-style), as a list or its JSON. */
function formatLog(message: unknown): string {
  let args: unknown = message;
  if (typeof message === 'string') {
    try {
      args = JSON.parse(message);
    } catch {
      return message;
    }
  }
  return Array.isArray(args) ? format(...(args as unknown[])) : String(args);
}

/** Holds the workbench's own log until the suite's marker shows up; afterwards prints at once. */
class Output {
  private held: ['stdout' | 'stderr', string][] = [];
  private passing: boolean;
  constructor(verbose: boolean) {
    this.passing = verbose;
  }
  write(stream: 'stdout' | 'stderr', text: string): void {
    if (!this.passing && text.startsWith(SUITE_MARKER)) {
      this.passing = true;
      this.held = [];
    }
    // Some of mocha's symbols come coloured whatever its `color` option says (e.g. with CI=true).
    if (!process[stream].isTTY) text = stripVTControlCharacters(text);
    if (this.passing) process[stream].write(`${text}\n`);
    else this.held.push([stream, text]);
  }
  /** Prints what was held back (when the suite never started). */
  flush(): void {
    for (const [stream, text] of this.held) process[stream].write(`${text}\n`);
    this.held = [];
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.extensionTestsPath === undefined) {
    console.error('code-server-vscode: --extensionTestsPath=FILE is required (only test runs are supported)');
    return 2;
  }
  const testsPath = args.extensionTestsPath;
  const verbose = process.env.SHOAL_VSCODE_VERBOSE === '1';
  const timeoutMs = Number(process.env.SHOAL_VSCODE_TIMEOUT ?? '180') * 1000;
  const output = new Output(verbose);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let settled = false;
  let interrupted = false;
  let cleaning: Promise<void> | undefined;
  // One cleanup, shared by the normal path and a signal: whoever exits waits for all of it.
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await browser?.close();
      await server?.stop();
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      interrupted = true;
      void cleanup().finally(() => process.exit(130));
    });
  }
  const started = Date.now();
  const phase = (what: string): void => {
    if (verbose)
      console.error(`code-server-vscode: ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  try {
    server = await startCodeServer();
    phase(`code-server ready on ${server.url}`);
    browser = await launchBrowser();
    phase('browser ready');
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    let finish: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolveExit) => {
      const timer = setTimeout(() => {
        console.error(`code-server-vscode: no result within ${timeoutMs / 1000} s`);
        resolveExit(1);
      }, timeoutMs);
      finish = (code: number): void => {
        clearTimeout(timer);
        resolveExit(code);
      };
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      settled = true;
      finish(typeof code === 'number' ? code : 1);
    });
    await page.exposeFunction('codeAutomationLog', (type: unknown, message: unknown) => {
      output.write(type === 'error' || type === 'warn' ? 'stderr' : 'stdout', formatLog(message));
    });
    page.on('crash', () => {
      console.error('code-server-vscode: the workbench page crashed');
      finish(1);
    });
    browser.context.on('close', () => {
      if (!settled) finish(1);
    });
    if (verbose) page.on('console', (msg) => console.error(`[browser ${msg.type()}] ${msg.text()}`));
    const loaded = page.goto(payloadUrl(server, args, testsPath)).then(() => phase('workbench page loaded'));
    loaded.catch(() => undefined); // reported through the race below, if it comes first
    // The timeout also covers a page that never finishes loading.
    const code = await Promise.race([loaded.then(() => exitCode), exitCode]);
    phase('suite finished');
    if (code !== 0) output.flush();
    if (verbose || code !== 0) {
      console.error(`code-server-vscode: exit ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    if (verbose || (code !== 0 && !settled)) console.error(`--- code-server log ---\n${server.log()}`);
    return code;
  } catch (err) {
    if (interrupted) return 130;
    console.error(`code-server-vscode: ${(err as Error).stack ?? String(err)}`);
    output.flush();
    if (server) console.error(`--- code-server log ---\n${server.log()}`);
    return 1;
  } finally {
    await cleanup();
  }
}

void main().then((code) => process.exit(code));
