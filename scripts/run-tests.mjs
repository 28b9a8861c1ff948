// Runs one test suite with node's built-in test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs unit          pure logic, no root, no engines
//   node scripts/run-tests.mjs integration   real dockerd: brings a sandbox up once (own SHOAL_HOME),
//                                            runs the suite against it, and always takes it down.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const suite = process.argv[2];
const only = process.argv.slice(3);
if (suite !== 'unit' && suite !== 'integration') {
  console.error('usage: run-tests.mjs unit|integration [file...]');
  process.exit(2);
}

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (entry.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

const files = only.length > 0 ? only : findTests(join('test', suite));
const env = { ...process.env };
let home;

function shoal(args) {
  return spawnSync(process.execPath, ['bin/shoal.js', ...args], { env, stdio: 'inherit' }).status;
}

function teardown() {
  if (!home) return;
  if (shoal(['sandbox', 'down']) !== 0) process.exitCode = 1;
  rmSync(home, { recursive: true, force: true });
  home = undefined;
}

if (suite === 'integration') {
  // Short path: unix socket paths under it must stay below 108 bytes.
  home = mkdtempSync(join(tmpdir(), 'shoal-it-'));
  env.SHOAL_HOME = home;
  env.SHOAL_TEST_SANDBOX = '1';
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      teardown();
      process.exit(130);
    });
  }
  const nodes = env.SHOAL_TEST_NODES ?? '3';
  if (shoal(['sandbox', 'up', '--nodes', nodes]) !== 0) {
    teardown();
    process.exit(1);
  }
}

console.error(
  `running ${files.length} ${suite} test file(s): ${files.map((f) => relative('test', f)).join(' ')}`,
);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { env, stdio: 'inherit' },
);
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
  teardown();
});
