// Bundles the VS Code extension and the agent CLI with esbuild.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  define: { SHOAL_VERSION: JSON.stringify(JSON.parse(await readFile('package.json', 'utf8')).version) },
  logLevel: 'warning',
};

await Promise.all([
  // The extension ships alone in a .vsix, so everything but `vscode` is bundled into it.
  build({
    ...common,
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  }),
  // The agent runs beside its node_modules (native better-sqlite3, dockerode's optional ssh2 addons).
  build({ ...common, entryPoints: ['agent/cli/main.ts'], outfile: 'dist/shoal.js', packages: 'external' }),
]);
