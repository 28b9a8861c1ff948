// Bundles the extension-host test suite (test/vscode/suite) to CommonJS for the extension host:
// .vscode-test/suite/index.js plus one file per `*.test.ts`; `vscode`, mocha and other packages stay external.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './code-server';

export const SUITE_SOURCE = join(REPO_ROOT, 'test', 'vscode', 'suite');
export const SUITE_OUT = join(REPO_ROOT, '.vscode-test', 'suite');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sources(full));
    else if (entry === 'index.ts' || entry.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** Builds the suite and returns the path of its entry point (for `extensionTestsPath`). */
export async function buildSuite(): Promise<string> {
  rmSync(SUITE_OUT, { recursive: true, force: true });
  await build({
    entryPoints: sources(SUITE_SOURCE),
    outbase: SUITE_SOURCE,
    outdir: SUITE_OUT,
    bundle: true,
    packages: 'external',
    external: ['vscode'],
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return join(SUITE_OUT, 'index.js');
}
