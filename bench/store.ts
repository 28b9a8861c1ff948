// Store write throughput: single-object transactions (one update each) against each implementation.
//   node --import tsx -e "require('./bench/store.ts').run()"
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../agent/store/memory';
import { SqliteStore } from '../agent/store/sqlite';
import type { Store } from '../agent/store/store';
import type { Meta } from '../agent/types/swarm';

interface Service extends Meta {
  Spec: { Name: string; Labels: Record<string, string>; Image: string; Replicas: number };
}

const OBJECTS = 100;
const SECONDS = 1;

/** Writes per second: updates round-robin over OBJECTS services of about 1 KiB each, for SECONDS. */
function writesPerSecond(store: Store): number {
  const services = store.collection<Service>('services');
  const labels = Object.fromEntries(
    Array.from({ length: 20 }, (_, i) => [`com.example.label-${i}`, 'x'.repeat(30)]),
  );
  for (let i = 0; i < OBJECTS; i++) {
    services.create({
      ID: `svc-${i}`,
      Spec: { Name: `svc-${i}`, Labels: labels, Image: 'nginx:1.27', Replicas: 1 },
    });
  }
  let writes = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++, writes++) {
      const current = services.get(`svc-${writes % OBJECTS}`)!;
      services.update({ ...current, Spec: { ...current.Spec, Replicas: writes } }, current.Version.Index);
    }
  }
  return writes / ((performance.now() - started) / 1000);
}

function sqlite(synchronous: 'FULL' | 'NORMAL'): number {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-bench-'));
  const store = SqliteStore.open(join(dir, 'state.db'), { synchronous });
  try {
    return writesPerSecond(store);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const memory = writesPerSecond(new MemoryStore());
  const full = sqlite('FULL');
  const normal = sqlite('NORMAL');
  const row = (name: string, rate: number): string =>
    `${name.padEnd(28)} ${Math.round(rate).toString().padStart(9)} writes/s   memory/this ${(memory / rate).toFixed(1)}x`;
  console.log('store: single-object write transactions (~1 KiB objects)');
  console.log(row('memory', memory));
  console.log(row('sqlite synchronous=FULL', full));
  console.log(row('sqlite synchronous=NORMAL', normal));
}
