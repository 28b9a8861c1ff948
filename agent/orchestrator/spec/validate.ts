import type { ServiceSpec } from '../../types/swarm';
import { InvalidArgumentError } from '../../util/errors';
import { modeName } from './defaults';
import { checkSchema, isPlainObject } from './schema';
import { SERVICE_SPEC_SCHEMA } from './service-schema';

export interface SpecPolicy {
  /** Checks placement constraint expressions; the scheduler's parser. */
  validateConstraints?: (constraints: string[]) => void;
  /** Host paths a bind mount may not use unless the operator allows it. */
  forbiddenBindSources?: readonly string[];
  /** Capabilities that give away the host. */
  forbiddenCapabilities?: readonly string[];
}

/** Swarm's rule for service names (swarmkit controlapi validateName): a DNS label. */
const NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
const ENV_NAME = /^[^=\s][^=]*$/;
/** Labels Shoal puts on containers to recognise its own; a spec may not forge them. */
const RESERVED_LABEL_PREFIXES = ['com.docker.swarm.', 'io.shoal.'];

export const DEFAULT_POLICY: Required<Omit<SpecPolicy, 'validateConstraints'>> = {
  forbiddenBindSources: [
    '/',
    '/var/run/docker.sock',
    '/run/docker.sock',
    '/run/containerd',
    '/proc',
    '/sys',
    '/dev',
    '/boot',
  ],
  forbiddenCapabilities: [
    'ALL',
    'CAP_ALL',
    'SYS_ADMIN',
    'SYS_MODULE',
    'SYS_RAWIO',
    'SYS_PTRACE',
    'SYS_BOOT',
    'MAC_ADMIN',
    'MAC_OVERRIDE',
    'BPF',
    'PERFMON',
    'DAC_READ_SEARCH',
  ],
};

/**
 * Validates a ServiceSpec from the API: structure (unknown or unsupported fields), then meaning.
 * Errors are InvalidArgumentErrors whose message names the field.
 */
export function validateServiceSpec(body: unknown, policy: SpecPolicy = {}): ServiceSpec {
  if (!isPlainObject(body)) throw new InvalidArgumentError('the service spec must be a JSON object');
  checkSchema(body, SERVICE_SPEC_SCHEMA, '');
  const spec = body as unknown as ServiceSpec;

  if (!spec.Name) throw new InvalidArgumentError('Name is required');
  if (!NAME.test(spec.Name)) {
    throw new InvalidArgumentError(
      `Name "${spec.Name}" is invalid: use letters, digits, "-" and "_", starting and ending with a letter or digit`,
    );
  }
  if (!isPlainObject(spec.TaskTemplate) || !isPlainObject(spec.TaskTemplate.ContainerSpec)) {
    throw new InvalidArgumentError('TaskTemplate.ContainerSpec is required');
  }
  const cs = spec.TaskTemplate.ContainerSpec;
  if (!cs.Image) throw new InvalidArgumentError('TaskTemplate.ContainerSpec.Image is required');
  if (/\s/.test(cs.Image) || cs.Image.startsWith('-')) {
    throw new InvalidArgumentError(
      `TaskTemplate.ContainerSpec.Image "${cs.Image}" is not a valid image reference`,
    );
  }
  checkMode(spec);
  (cs.Env ?? []).forEach((entry, i) => {
    const name = entry.split('=')[0] ?? '';
    if (!ENV_NAME.test(name)) {
      throw new InvalidArgumentError(`TaskTemplate.ContainerSpec.Env[${i}] "${entry}" must be NAME=value`);
    }
  });
  for (const key of Object.keys(cs.Labels ?? {})) {
    if (RESERVED_LABEL_PREFIXES.some((p) => key.startsWith(p))) {
      throw new InvalidArgumentError(
        `TaskTemplate.ContainerSpec.Labels["${key}"] uses a label prefix reserved for Shoal`,
      );
    }
  }
  checkSecurity(spec, policy);
  checkPorts(spec);
  if (spec.RollbackConfig?.FailureAction === 'rollback') {
    throw new InvalidArgumentError(
      'RollbackConfig.FailureAction must be "pause" or "continue": a rollback is never rolled back',
    );
  }
  const constraints = spec.TaskTemplate.Placement?.Constraints ?? [];
  if (constraints.length > 0 && policy.validateConstraints) policy.validateConstraints(constraints);
  for (const [i, pref] of (spec.TaskTemplate.Placement?.Preferences ?? []).entries()) {
    const d = pref.Spread?.SpreadDescriptor ?? '';
    if (!/^(node|engine)\.labels\.[^\s]+$/.test(d)) {
      throw new InvalidArgumentError(
        `TaskTemplate.Placement.Preferences[${i}].Spread.SpreadDescriptor "${d}" must be node.labels.<key> or engine.labels.<key>`,
      );
    }
  }
  return spec;
}

function checkMode(spec: ServiceSpec): void {
  const mode = spec.Mode ?? {};
  const set = (['Replicated', 'Global', 'ReplicatedJob', 'GlobalJob'] as const).filter(
    (k) => mode[k] !== undefined && mode[k] !== null,
  );
  if (set.length > 1)
    throw new InvalidArgumentError(
      `Mode must set only one of Replicated, Global, ReplicatedJob, GlobalJob; got ${set.join(' and ')}`,
    );
}

function checkSecurity(spec: ServiceSpec, policy: SpecPolicy): void {
  const cs = spec.TaskTemplate.ContainerSpec;
  const forbiddenSources = policy.forbiddenBindSources ?? DEFAULT_POLICY.forbiddenBindSources;
  (cs.Mounts ?? []).forEach((m, i) => {
    if (m.Type !== 'bind') return;
    if (!(m.Source ?? '').startsWith('/')) {
      throw new InvalidArgumentError(
        `TaskTemplate.ContainerSpec.Mounts[${i}].Source must be an absolute host path for a bind mount`,
      );
    }
    const source = normalizePath(m.Source ?? '');
    const hit = forbiddenSources.find((f) => source === f || (f !== '/' && source.startsWith(f + '/')));
    if (hit !== undefined) {
      throw new InvalidArgumentError(
        `TaskTemplate.ContainerSpec.Mounts[${i}].Source "${m.Source}" is refused: binding ${hit} gives the container control of the host`,
      );
    }
  });
  const forbiddenCaps = policy.forbiddenCapabilities ?? DEFAULT_POLICY.forbiddenCapabilities;
  (cs.CapabilityAdd ?? []).forEach((cap, i) => {
    const name = cap.toUpperCase().replace(/^CAP_/, '');
    if (forbiddenCaps.includes(name) || forbiddenCaps.includes(cap.toUpperCase())) {
      throw new InvalidArgumentError(
        `TaskTemplate.ContainerSpec.CapabilityAdd[${i}] "${cap}" is refused: it gives the container control of the host`,
      );
    }
  });
}

function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

function checkPorts(spec: ServiceSpec): void {
  const seen = new Map<string, number>();
  (spec.EndpointSpec?.Ports ?? []).forEach((port, i) => {
    const where = `EndpointSpec.Ports[${i}]`;
    if ((port.PublishMode ?? 'ingress') === 'ingress' && port.PublishedPort !== undefined) {
      throw new InvalidArgumentError(
        `${where}: ingress publishing (the routing mesh) is not available yet; publish in host mode ` +
          `(--publish mode=host,target=${port.TargetPort},published=${port.PublishedPort || port.TargetPort})`,
      );
    }
    if ((port.PublishMode ?? 'ingress') === 'ingress') {
      throw new InvalidArgumentError(
        `${where}: ingress publishing (the routing mesh) is not available yet; use PublishMode "host"`,
      );
    }
    if (!port.PublishedPort) return;
    const key = `${port.PublishedPort}/${port.Protocol ?? 'tcp'}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new InvalidArgumentError(
        `${where}: published port ${key} is already used by EndpointSpec.Ports[${other}]`,
      );
    }
    seen.set(key, i);
  });
  if (
    spec.EndpointSpec?.Mode === 'dnsrr' &&
    (spec.EndpointSpec.Ports ?? []).some((p) => (p.PublishMode ?? 'ingress') === 'ingress')
  ) {
    throw new InvalidArgumentError('EndpointSpec: dnsrr mode cannot publish ingress ports');
  }
}

/** Swarm's rules for an update: no rename, no mode change (swarmkit controlapi). */
export function validateServiceUpdate(current: ServiceSpec, next: ServiceSpec): void {
  if (next.Name !== current.Name) throw new InvalidArgumentError('renaming services is not supported');
  if (modeName(next) !== modeName(current))
    throw new InvalidArgumentError('service mode change is not allowed');
}
