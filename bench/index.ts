// `npm run bench`: runs every benchmark module in order. Each exports `run(): Promise<void>`.
const modules: Array<() => Promise<{ run: () => Promise<void> }>> = [
  () => import('./store'),
  () => import('./scheduler'),
  () => import('./pipeline'),
  () => import('./extension-trees'),
  () => import('./convergence'),
  () => import('./idle'),
];

async function main(): Promise<void> {
  for (const load of modules) await (await load()).run();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
