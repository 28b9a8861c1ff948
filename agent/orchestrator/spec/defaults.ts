import type { ServiceSpec, UpdateConfig } from '../../types/swarm';

const SECOND = 1e9;

/** Swarm's defaults (swarmkit api/defaults/service.go), applied where a spec leaves a field out. */
export const DEFAULT_UPDATE_CONFIG: Required<UpdateConfig> = {
  Parallelism: 1,
  Delay: 0,
  FailureAction: 'pause',
  Monitor: 5 * SECOND,
  MaxFailureRatio: 0,
  Order: 'stop-first',
};

export const DEFAULT_RESTART_POLICY = {
  Condition: 'any' as const,
  Delay: 5 * SECOND,
  MaxAttempts: 0,
  Window: 0,
};
export const DEFAULT_STOP_GRACE_PERIOD = 10 * SECOND;

/** The spec as `docker service inspect` shows it (`insertDefaults=true`): every default spelled out. */
export function withDefaults(spec: ServiceSpec): ServiceSpec {
  const s = structuredClone(spec);
  const tt = s.TaskTemplate;
  const cs = tt.ContainerSpec;
  cs.StopGracePeriod ??= DEFAULT_STOP_GRACE_PERIOD;
  cs.DNSConfig ??= {};
  cs.Isolation ||= 'default';
  tt.Resources = { Limits: tt.Resources?.Limits ?? {}, Reservations: tt.Resources?.Reservations ?? {} };
  tt.RestartPolicy = { ...DEFAULT_RESTART_POLICY, ...tt.RestartPolicy };
  tt.Placement ??= {};
  tt.ForceUpdate ??= 0;
  tt.Runtime ||= 'container';
  s.Mode = normalizedMode(s);
  s.UpdateConfig = { ...DEFAULT_UPDATE_CONFIG, ...s.UpdateConfig };
  s.RollbackConfig = { ...DEFAULT_UPDATE_CONFIG, ...s.RollbackConfig };
  s.EndpointSpec = { Mode: 'vip', ...s.EndpointSpec };
  s.Labels ??= {};
  return s;
}

/** A missing mode is replicated; a replicated mode without a count has 1 replica (as the Engine does). */
export function normalizedMode(spec: ServiceSpec): NonNullable<ServiceSpec['Mode']> {
  const mode = spec.Mode ?? {};
  if (mode.Global) return { Global: {} };
  if (mode.GlobalJob) return { GlobalJob: {} };
  if (mode.ReplicatedJob) {
    const completions = mode.ReplicatedJob.TotalCompletions ?? mode.ReplicatedJob.MaxConcurrent ?? 1;
    return {
      ReplicatedJob: { MaxConcurrent: mode.ReplicatedJob.MaxConcurrent ?? 1, TotalCompletions: completions },
    };
  }
  return { Replicated: { Replicas: mode.Replicated?.Replicas ?? 1 } };
}

export type ModeName = 'replicated' | 'global' | 'replicated-job' | 'global-job';

export function modeName(spec: ServiceSpec): ModeName {
  const mode = normalizedMode(spec);
  if (mode.Global) return 'global';
  if (mode.GlobalJob) return 'global-job';
  if (mode.ReplicatedJob) return 'replicated-job';
  return 'replicated';
}
