import type {
  EndpointSpec,
  Placement,
  ResourceRequirements,
  ResourceSpec,
  RestartPolicy,
  ServiceMode,
  UpdateConfig,
} from '../../types/swarm';
import type { Path } from '../positions';
import {
  dictOf,
  durationField,
  isDict,
  listOf,
  numberOf,
  scalarText,
  stringOf,
  where,
  type ConvertContext,
  type Dict,
  type Origins,
} from './context';
import { parseCpus, parseSize } from './units';

/** `deploy.mode` and `deploy.replicas` as `Mode` (docker/cli convertDeployMode). */
export function convertMode(deploy: Dict, deployPath: Path, ctx: ConvertContext): ServiceMode {
  const mode = stringOf(deploy.mode) ?? 'replicated';
  const replicas = numberOf(deploy.replicas);
  switch (mode) {
    case 'global':
    case 'global-job':
      if (replicas !== undefined) {
        ctx.reporter.error(
          [...deployPath, 'replicas'],
          `${where([...deployPath, 'replicas'])}: replicas can only be used with replicated or replicated-job mode, not ${mode}`,
          'key',
        );
      }
      return mode === 'global' ? { Global: {} } : { GlobalJob: {} };
    case 'replicated-job':
      return {
        ReplicatedJob: replicas === undefined ? {} : { MaxConcurrent: replicas, TotalCompletions: replicas },
      };
    default:
      return { Replicated: replicas === undefined ? {} : { Replicas: replicas } };
  }
}

/** `deploy.resources` as `TaskTemplate.Resources`; generic resources are refused (Shoal has none). */
export function convertResources(
  deploy: Dict,
  deployPath: Path,
  ctx: ConvertContext,
  origins: Origins,
): ResourceRequirements | undefined {
  const resources = dictOf(deploy.resources);
  const path = [...deployPath, 'resources'];
  const result: ResourceRequirements = {};
  for (const [key, field] of [
    ['limits', 'Limits'],
    ['reservations', 'Reservations'],
  ] as const) {
    if (!isDict(resources[key])) continue;
    const block = resources[key];
    const blockPath = [...path, key];
    const spec: ResourceSpec = {};
    if (block.cpus !== undefined) {
      const cpus = parseCpus(block.cpus as string | number);
      if (cpus !== undefined) spec.NanoCPUs = cpus;
      origins.set(`TaskTemplate.Resources.${field}.NanoCPUs`, [...blockPath, 'cpus']);
    }
    if (block.memory !== undefined) {
      const memory = parseSize(block.memory as string | number);
      if (memory !== undefined) spec.MemoryBytes = memory;
      origins.set(`TaskTemplate.Resources.${field}.MemoryBytes`, [...blockPath, 'memory']);
    }
    const pids = numberOf(block.pids);
    if (pids !== undefined) {
      spec.Pids = pids;
      origins.set(`TaskTemplate.Resources.${field}.Pids`, [...blockPath, 'pids']);
    }
    if (block.generic_resources !== undefined) {
      ctx.reporter.error(
        [...blockPath, 'generic_resources'],
        `${where([...blockPath, 'generic_resources'])}: generic resources are not supported by Shoal`,
        'key',
      );
    }
    result[field] = spec;
  }
  return result.Limits || result.Reservations ? result : undefined;
}

/**
 * `deploy.restart_policy` as `TaskTemplate.RestartPolicy`, or else the legacy `restart:` (docker/cli
 * convertRestartPolicy): always and unless-stopped are `any`, `on-failure[:N]` is on-failure with N attempts.
 * `restart: "no"` becomes condition `none`, as the file means (docker stack deploy drops it and so restarts).
 */
export function convertRestartPolicy(
  service: Dict,
  servicePath: Path,
  ctx: ConvertContext,
  origins: Origins,
): RestartPolicy | undefined {
  const deploy = dictOf(service.deploy);
  const restartPath = [...servicePath, 'restart'];
  const restart = stringOf(service.restart);
  if (isDict(deploy.restart_policy)) {
    const policy = deploy.restart_policy;
    const path = [...servicePath, 'deploy', 'restart_policy'];
    if (restart !== undefined) {
      ctx.reporter.warning(
        restartPath,
        `${where(restartPath)}: ignored: ${where(path)} takes precedence`,
        'key',
      );
    }
    const result: RestartPolicy = {};
    const condition = stringOf(policy.condition);
    if (condition !== undefined) result.Condition = condition as RestartPolicy['Condition'];
    const delay = durationField(policy, 'delay', path, ctx);
    if (delay !== undefined) result.Delay = delay;
    const attempts = numberOf(policy.max_attempts);
    if (attempts !== undefined) result.MaxAttempts = attempts;
    const window = durationField(policy, 'window', path, ctx);
    if (window !== undefined) result.Window = window;
    origins.set('TaskTemplate.RestartPolicy', path);
    for (const [key, field] of [
      ['condition', 'Condition'],
      ['delay', 'Delay'],
      ['max_attempts', 'MaxAttempts'],
      ['window', 'Window'],
    ] as Array<[string, string]>) {
      origins.set(`TaskTemplate.RestartPolicy.${field}`, [...path, key]);
    }
    return result;
  }
  if (restart === undefined) return undefined;
  origins.set('TaskTemplate.RestartPolicy', restartPath);
  const match = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(restart);
  if (!match || (match[2] !== undefined && match[1] !== 'on-failure')) {
    ctx.reporter.error(
      restartPath,
      `${where(restartPath)}: invalid restart policy ${JSON.stringify(restart)}: use "no", "always", "unless-stopped" or "on-failure[:max-retries]" (or deploy.restart_policy)`,
    );
    return undefined;
  }
  const policy: RestartPolicy = {
    Condition: match[1] === 'no' ? 'none' : match[1] === 'on-failure' ? 'on-failure' : 'any',
  };
  const attempts = match[2] === undefined ? 0 : Number(match[2]);
  if (attempts > 0) policy.MaxAttempts = attempts;
  const spelled = `condition: ${policy.Condition}${policy.MaxAttempts ? `, max_attempts: ${policy.MaxAttempts}` : ''}`;
  ctx.reporter.warning(
    restartPath,
    `${where(restartPath)}: used as deploy.restart_policy (${spelled})${match[1] === 'no' ? '; docker stack deploy would ignore "no" and restart the tasks' : ''}: prefer deploy.restart_policy`,
    'key',
  );
  return policy;
}

/** `deploy.update_config` / `rollback_config`: when the block is there, parallelism defaults to 1. */
export function convertUpdateConfig(
  value: unknown,
  path: Path,
  specField: 'UpdateConfig' | 'RollbackConfig',
  ctx: ConvertContext,
  origins: Origins,
): UpdateConfig | undefined {
  if (!isDict(value)) return undefined;
  origins.set(specField, path);
  const config: UpdateConfig = { Parallelism: numberOf(value.parallelism) ?? 1 };
  const delay = durationField(value, 'delay', path, ctx);
  if (delay !== undefined) config.Delay = delay;
  const failureAction = stringOf(value.failure_action);
  if (failureAction !== undefined) config.FailureAction = failureAction as UpdateConfig['FailureAction'];
  const monitor = durationField(value, 'monitor', path, ctx);
  if (monitor !== undefined) config.Monitor = monitor;
  const ratio = numberOf(value.max_failure_ratio);
  if (ratio !== undefined) config.MaxFailureRatio = ratio;
  const order = stringOf(value.order);
  if (order !== undefined) config.Order = order as UpdateConfig['Order'];
  for (const [key, field] of [
    ['parallelism', 'Parallelism'],
    ['delay', 'Delay'],
    ['failure_action', 'FailureAction'],
    ['monitor', 'Monitor'],
    ['max_failure_ratio', 'MaxFailureRatio'],
    ['order', 'Order'],
  ] as Array<[string, string]>) {
    if (value[key] !== undefined) origins.set(`${specField}.${field}`, [...path, key]);
  }
  return config;
}

/** `deploy.placement` as `TaskTemplate.Placement`. */
export function convertPlacement(deploy: Dict, deployPath: Path, origins: Origins): Placement | undefined {
  if (!isDict(deploy.placement)) return undefined;
  const placement = deploy.placement;
  const path = [...deployPath, 'placement'];
  const result: Placement = {};
  const constraints = listOf(placement.constraints).map(scalarText);
  if (constraints.length > 0) {
    result.Constraints = constraints;
    constraints.forEach((_, i) =>
      origins.set(`TaskTemplate.Placement.Constraints[${i}]`, [...path, 'constraints', i]),
    );
  }
  const preferences = listOf(placement.preferences).map((p) => scalarText(dictOf(p).spread));
  if (preferences.length > 0) {
    result.Preferences = preferences.map((spread) => ({ Spread: { SpreadDescriptor: spread } }));
    preferences.forEach((_, i) =>
      origins.set(`TaskTemplate.Placement.Preferences[${i}]`, [...path, 'preferences', i, 'spread']),
    );
  }
  const maxReplicas = numberOf(placement.max_replicas_per_node);
  if (maxReplicas !== undefined) {
    result.MaxReplicas = maxReplicas;
    origins.set('TaskTemplate.Placement.MaxReplicas', [...path, 'max_replicas_per_node']);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** `deploy.endpoint_mode` (lower-cased, as Docker does): vip or dnsrr. */
export function convertEndpointMode(
  deploy: Dict,
  deployPath: Path,
  ctx: ConvertContext,
): EndpointSpec['Mode'] | undefined {
  const mode = stringOf(deploy.endpoint_mode);
  if (mode === undefined || mode === '') return undefined;
  const lower = mode.toLowerCase();
  if (lower === 'vip' || lower === 'dnsrr') return lower;
  const path = [...deployPath, 'endpoint_mode'];
  ctx.reporter.error(path, `${where(path)} must be "vip" or "dnsrr", got ${JSON.stringify(mode)}`);
  return undefined;
}
