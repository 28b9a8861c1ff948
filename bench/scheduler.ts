/**
 * Scheduler throughput on simulated nodes (pure logic, no engines). Times `schedule()` only: building
 * the nodes, the ClusterState and the pending tasks is outside the clock. Each figure is the best of
 * ROUNDS runs, the two sizes of a growth pair alternating.
 * Targets: >= 20,000 placements/s at 1k nodes x 100k tasks, and <= 11x the time for 10x the tasks.
 */
import { pathToFileURL } from 'node:url';
import {
  ClusterState,
  schedule,
  type PendingTask,
  type SchedulerNode,
  type TaskRequest,
} from '../agent/scheduler';

// swarmkit's heap-based scheduler, 1k nodes / 100k tasks: ~6.1 s, i.e. ~16.4k placements/s (PR #1550).
const SWARMKIT_PLACEMENTS_PER_SECOND = 100_000 / 6.1;
const TARGET_PLACEMENTS_PER_SECOND = 20_000;
const TARGET_GROWTH = 11;

interface Scenario {
  name: string;
  nodes: number;
  tasks: number;
  /** Tasks per service (one batch each); default: all tasks in one service, like swarmkit's benchmark. */
  tasksPerService?: number;
  request?: Partial<TaskRequest>;
}

function makeNodes(count: number): SchedulerNode[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `node-${String(i).padStart(6, '0')}`,
    hostname: `host-${i}`,
    role: i < 3 ? 'manager' : 'worker',
    platform: { os: 'linux', arch: 'x86_64' },
    labels: { tier: i % 3 === 0 ? 'gold' : 'standard', zone: `zone-${i % 4}`, rack: `rack-${i % 10}` },
    engineLabels: { storage: 'ssd' },
    state: 'ready',
    availability: 'active',
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    resources: { nanoCPUs: 8e9, memoryBytes: 32 * 2 ** 30 },
  }));
}

function makeSpec(serviceId: string, request: Partial<TaskRequest> | undefined): TaskRequest {
  return {
    serviceId,
    specVersion: 1,
    constraints: [],
    preferences: [],
    maxReplicasPerNode: 0,
    reservations: { nanoCPUs: 1e7, memoryBytes: 32 * 2 ** 20 },
    hostPorts: [],
    affinities: [],
    ...request,
  };
}

/** As an orchestrator would build them: one literal shape, the spec's parts shared by its tasks. */
function makeTasks(scenario: Scenario): PendingTask[] {
  const perService = scenario.tasksPerService ?? scenario.tasks;
  const tasks: PendingTask[] = [];
  let spec = makeSpec('service-0', scenario.request);
  for (let i = 0; i < scenario.tasks; i++) {
    if (i > 0 && i % perService === 0) spec = makeSpec(`service-${i / perService}`, scenario.request);
    tasks.push({
      taskId: `task-${i}`,
      serviceId: spec.serviceId,
      specVersion: spec.specVersion,
      constraints: spec.constraints,
      preferences: spec.preferences,
      maxReplicasPerNode: spec.maxReplicasPerNode,
      reservations: spec.reservations,
      hostPorts: spec.hostPorts,
      affinities: spec.affinities,
    });
  }
  return tasks;
}

interface Measurement {
  seconds: number;
  placed: number;
}

const ROUNDS = 5;

function faster(a: Measurement, b: Measurement): Measurement {
  return b.seconds < a.seconds ? b : a;
}

/** Best of a few runs: the one least disturbed by GC and the machine's other work. */
function measure(scenario: Scenario, runs = ROUNDS): Measurement {
  let best = measureOnce(scenario);
  for (let run = 1; run < runs; run++) best = faster(best, measureOnce(scenario));
  return best;
}

function measureOnce(scenario: Scenario): Measurement {
  const cluster = new ClusterState(makeNodes(scenario.nodes));
  const tasks = makeTasks(scenario);
  const started = process.hrtime.bigint();
  const result = schedule(tasks, cluster);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.unschedulable.size > 0) {
    const [, reason] = result.unschedulable.entries().next().value ?? [];
    throw new Error(`${scenario.name}: ${result.unschedulable.size} tasks unschedulable: ${reason}`);
  }
  return { seconds, placed: result.assignments.size };
}

function label(scenario: Scenario): string {
  const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
  const shape = `${k(scenario.nodes)} nodes x ${k(scenario.tasks)} tasks`;
  return `${scenario.name.padEnd(22)} ${shape.padEnd(24)}`;
}

function report(scenario: Scenario, measurement: Measurement): number {
  const rate = measurement.placed / measurement.seconds;
  console.log(
    `${label(scenario)} ${(measurement.seconds * 1000).toFixed(0).padStart(6)} ms ` +
      `${Math.round(rate).toLocaleString('en-US').padStart(10)} placements/s ` +
      `(${(rate / SWARMKIT_PLACEMENTS_PER_SECOND).toFixed(1)}x swarmkit's ~16.4k/s)`,
  );
  return rate;
}

const EVERY_THIRD_NODE: Partial<TaskRequest> = { constraints: ['node.labels.tier==gold'] };
const SPREAD_OVER_ZONES_AND_RACKS: Partial<TaskRequest> = {
  preferences: [{ spread: 'node.labels.zone' }, { spread: 'node.labels.rack' }],
};

/** Pairs whose second member has 10x the tasks of the first: their time ratio is the growth. */
const GROWTH_PAIRS: Array<[Scenario, Scenario]> = [
  [
    { name: 'plain', nodes: 1000, tasks: 10_000 },
    { name: 'plain', nodes: 1000, tasks: 100_000 },
  ],
  [
    { name: '1/3 eligible', nodes: 1000, tasks: 10_000, request: EVERY_THIRD_NODE },
    { name: '1/3 eligible', nodes: 1000, tasks: 100_000, request: EVERY_THIRD_NODE },
  ],
  [
    { name: 'spread zone>rack', nodes: 1000, tasks: 10_000, request: SPREAD_OVER_ZONES_AND_RACKS },
    { name: 'spread zone>rack', nodes: 1000, tasks: 100_000, request: SPREAD_OVER_ZONES_AND_RACKS },
  ],
  [
    { name: '100-task services', nodes: 1000, tasks: 10_000, tasksPerService: 100 },
    { name: '100-task services', nodes: 1000, tasks: 100_000, tasksPerService: 100 },
  ],
];

const SINGLES: Scenario[] = [{ name: 'plain', nodes: 100, tasks: 10_000 }];

export async function run(): Promise<void> {
  console.log('scheduler: placements per second on simulated nodes (schedule() only)');
  // Let the JIT settle so the first measured scenario is not also the warm-up.
  measure({ name: 'warm-up', nodes: 1000, tasks: 20_000, request: EVERY_THIRD_NODE }, 1);
  measure({ name: 'warm-up', nodes: 1000, tasks: 20_000, request: SPREAD_OVER_ZONES_AND_RACKS }, 1);
  measure({ name: 'warm-up', nodes: 1000, tasks: 20_000, tasksPerService: 100 }, 1);

  const failures: string[] = [];
  for (const scenario of SINGLES) report(scenario, measure(scenario));
  for (const [small, large] of GROWTH_PAIRS) {
    // Alternate the two sizes so a burst of load on the machine hits both alike; keep each one's best.
    let smallBest = measureOnce(small);
    let largeBest = measureOnce(large);
    for (let round = 1; round < ROUNDS; round++) {
      smallBest = faster(smallBest, measureOnce(small));
      largeBest = faster(largeBest, measureOnce(large));
    }
    report(small, smallBest);
    const rate = report(large, largeBest);
    const growth = largeBest.seconds / smallBest.seconds;
    console.log(`${''.padEnd(47)} growth for 10x tasks: ${growth.toFixed(2)}x (target <= ${TARGET_GROWTH}x)`);
    if (rate < TARGET_PLACEMENTS_PER_SECOND) failures.push(`${label(large).trim()}: ${Math.round(rate)}/s`);
    if (growth > TARGET_GROWTH) failures.push(`${label(large).trim()}: growth ${growth.toFixed(2)}x`);
  }
  console.log(
    failures.length === 0
      ? `scheduler: targets met (>= ${TARGET_PLACEMENTS_PER_SECOND.toLocaleString('en-US')} placements/s at 1k x 100k, growth <= ${TARGET_GROWTH}x)`
      : `scheduler: TARGETS MISSED: ${failures.join('; ')}`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
