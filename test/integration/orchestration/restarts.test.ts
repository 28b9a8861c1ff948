import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { docker } from '../../helpers/sandbox';
import { CRASH, Harness, SERVICE_LABEL, waitFor } from './helpers';

// Restart policy and crash-loop backoff, counted from the engines' own `start` events (task history is trimmed
// to 5 per slot, so `docker service ps` cannot count attempts).

let h: Harness;
const created = new Map<string, string>();

before(async () => {
  h = await Harness.start();
});

after(async () => {
  await h.cleanup(async () => {
    await h.removeAndWait(created);
  });
});

/** Start times (ms) of the service's containers on every engine between `since` and `until`. */
async function starts(serviceId: string, since: number, until: number): Promise<number[]> {
  const all: number[] = [];
  for (const e of h.engines) {
    const out = await docker(e.endpoint, [
      'events',
      '--since',
      (since / 1000).toFixed(3),
      '--until',
      (until / 1000).toFixed(3),
      '--filter',
      'type=container',
      '--filter',
      'event=start',
      '--filter',
      `label=${SERVICE_LABEL}=${serviceId}`,
      '--format',
      '{{.TimeNano}}',
    ]);
    for (const line of out.split('\n')) if (line.trim()) all.push(Number(BigInt(line.trim()) / 1_000_000n));
  }
  return all.sort((a, b) => a - b);
}

test('a crash loop backs off: restarts follow the delay, then a doubling backoff, and stay bounded', async () => {
  const since = Date.now() - 1000;
  const id = await h.create('crashloop', ['--replicas', '1'], CRASH);
  created.set('crashloop', id);
  const limited = await h.create('crash-max2', ['--replicas', '1', '--restart-max-attempts', '2'], CRASH);
  created.set('crash-max2', limited);

  // The observation window itself: ~10 s of a crash-looping service.
  await sleep(10_000);
  const until = Date.now();
  const times = await starts(id, since, until);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  console.log(`# crash loop: ${times.length} attempts in ${until - since} ms; gaps ${gaps.join(', ')} ms`);
  // Restart delay 1 s: at most one attempt per second (plus the first), nowhere near a tight loop.
  assert.ok(times.length >= 3, `only ${times.length} attempts`);
  assert.ok(times.length <= Math.ceil((until - since) / 1000) + 1, `${times.length} attempts`);
  // The k-th restart waits at least max(delay, 100 ms · 2^(k-1)) after a failure (k ≥ 2): 1 s, 1 s, 1 s,
  // 1.6 s, 3.2 s, ... Start-to-start gaps include that wait, so each is at least as long.
  gaps.forEach((gap, i) => {
    const k = i + 1;
    const floor = Math.max(1000, k >= 2 ? 100 * 2 ** (k - 1) : 0);
    assert.ok(
      gap >= floor - 50,
      `restart ${k} came ${gap} ms after the previous start (policy: ≥ ${floor} ms)`,
    );
  });
});

test('--restart-max-attempts 2 stops after two restarts', async () => {
  const id = created.get('crash-max2')!;
  const tasks = await waitFor(
    'three failed attempts and nothing left to run',
    async () => {
      const list = await h.tasks('crash-max2');
      const live = list.filter((t) => t.DesiredState === 'running' || t.DesiredState === 'ready');
      const failed = list.filter((t) => t.Status.State === 'failed');
      return failed.length === 3 && live.every((t) => t.Status.State === 'failed') ? list : undefined;
    },
    20_000,
    () => h.describe('crash-max2'),
  );
  assert.equal(tasks.length, 3);
  // Longer than a restart delay with nothing new: the slot stays failed.
  await sleep(2500);
  assert.equal((await h.tasks('crash-max2')).length, 3);
  const times = await starts(id, Date.now() - 120_000, Date.now());
  assert.equal(times.length, 3, 'the engines started the container 3 times: once plus 2 restarts');
  const ls = await h.cli(['service', 'ls', '--filter', 'name=crash-max2', '--format', '{{.Replicas}}']);
  assert.equal(ls.trim(), '0/1');
});
