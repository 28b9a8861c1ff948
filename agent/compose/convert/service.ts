import { isIP } from 'node:net';
import type { ContainerSpec, ServiceSpec, TaskSpec } from '../../types/swarm';
import type { Path } from '../positions';
import { STACK_IMAGE_LABEL, STACK_NAMESPACE_LABEL } from '../types';
import {
  booleanOf,
  dictOf,
  durationField,
  isDict,
  listOf,
  numberOf,
  Origins,
  scalarText,
  stringOf,
  where,
  type ConvertContext,
  type Dict,
} from './context';
import {
  convertEndpointMode,
  convertMode,
  convertPlacement,
  convertResources,
  convertRestartPolicy,
  convertUpdateConfig,
} from './deploy';
import { convertCommand, convertEnvironment, mappingOf } from './environment';
import { convertHealthcheck } from './healthcheck';
import { convertServiceNetworks, type NetworkDeclaration } from './networks';
import { convertPorts } from './ports';
import { convertVolumes } from './volumes';

export interface ConvertedService {
  key: string;
  name: string;
  /** Undefined when the service has an error that leaves no spec to check. */
  spec?: ServiceSpec;
  origins: Origins;
  /** The network keys it joins. */
  networkKeys: string[];
}

/** Keys Shoal cannot honour yet: errors at the key, saying so. */
const REFUSED: Record<string, string> = {
  secrets: 'secrets are not supported by Shoal yet (the agent refuses service specs that use them)',
  configs: 'configs are not supported by Shoal yet (the agent refuses service specs that use them)',
  credential_spec: 'credential specs are not supported by Shoal',
};

/**
 * One service as `docker stack deploy` converts it (docker/cli cli/compose/convert/service.go), with the
 * origin of each spec field recorded for later checks. Problems go to the reporter.
 */
export function convertService(
  key: string,
  raw: unknown,
  declarations: Map<string, NetworkDeclaration>,
  ctx: ConvertContext,
): ConvertedService {
  const service = dictOf(raw);
  const path: Path = ['services', key];
  const name = `${ctx.stack}_${key}`;
  const origins = new Origins();
  origins.set('Name', path);

  for (const [refusedKey, why] of Object.entries(REFUSED)) {
    if (service[refusedKey] !== undefined) {
      ctx.reporter.error([...path, refusedKey], `${where([...path, refusedKey])}: ${why}`, 'key');
    }
  }

  const deploy = dictOf(service.deploy);
  const deployPath = [...path, 'deploy'];
  const image = stringOf(service.image);
  if (!image && !ctx.reporter.hasErrorsUnder([...path, 'image'])) {
    const build =
      service.build !== undefined ? ' (build is ignored: build and push the image, then name it here)' : '';
    ctx.reporter.error(
      image === '' ? [...path, 'image'] : path,
      `${where(path)}: image is required: docker stack deploy runs images, it does not build them${build}`,
      image === '' ? 'value' : 'key',
    );
  }

  const containerSpec = convertContainerSpec(service, path, image ?? '', ctx, origins);
  const { attachments, keys } = convertServiceNetworks(service, path, key, declarations, ctx, origins);
  const ports = convertPorts(service.ports, [...path, 'ports'], ctx);
  ports.forEach(({ path: portPath }, i) => origins.set(`EndpointSpec.Ports[${i}]`, portPath));

  const taskTemplate: TaskSpec = { ContainerSpec: containerSpec };
  const resources = convertResources(deploy, deployPath, ctx, origins);
  if (resources) taskTemplate.Resources = resources;
  const restartPolicy = convertRestartPolicy(service, path, ctx, origins);
  if (restartPolicy) taskTemplate.RestartPolicy = restartPolicy;
  const placement = convertPlacement(deploy, deployPath, origins);
  if (placement) taskTemplate.Placement = placement;
  if (attachments.length > 0) taskTemplate.Networks = attachments;
  const logging = convertLogging(service, path, ctx, origins);
  if (logging) taskTemplate.LogDriver = logging;

  const spec: ServiceSpec = {
    Name: name,
    Labels: {
      ...mappingOf(deploy.labels),
      [STACK_NAMESPACE_LABEL]: ctx.stack,
      [STACK_IMAGE_LABEL]: image ?? '',
    },
    TaskTemplate: taskTemplate,
    Mode: convertMode(deploy, deployPath, ctx),
  };
  origins.set('Labels', [...deployPath, 'labels']);
  origins.set('Mode', deploy.mode !== undefined ? [...deployPath, 'mode'] : deployPath);
  if (deploy.replicas !== undefined) {
    origins.set('Mode.Replicated.Replicas', [...deployPath, 'replicas']);
    origins.set('Mode.ReplicatedJob', [...deployPath, 'replicas']);
  }
  const update = convertUpdateConfig(
    deploy.update_config,
    [...deployPath, 'update_config'],
    'UpdateConfig',
    ctx,
    origins,
  );
  if (update) spec.UpdateConfig = update;
  const rollback = convertUpdateConfig(
    deploy.rollback_config,
    [...deployPath, 'rollback_config'],
    'RollbackConfig',
    ctx,
    origins,
  );
  if (rollback) spec.RollbackConfig = rollback;
  const endpointMode = convertEndpointMode(deploy, deployPath, ctx);
  if (endpointMode || ports.length > 0) {
    spec.EndpointSpec = {};
    if (endpointMode) {
      spec.EndpointSpec.Mode = endpointMode;
      origins.set('EndpointSpec.Mode', [...deployPath, 'endpoint_mode']);
    }
    if (ports.length > 0) spec.EndpointSpec.Ports = ports.map(({ port }) => port);
  }
  return { key, name, spec: image ? spec : undefined, origins, networkKeys: keys };
}

function convertContainerSpec(
  service: Dict,
  path: Path,
  image: string,
  ctx: ConvertContext,
  origins: Origins,
): ContainerSpec {
  const spec: ContainerSpec = {
    Image: image,
    Labels: { ...mappingOf(service.labels), [STACK_NAMESPACE_LABEL]: ctx.stack },
  };
  const at = (field: string, key: string): void =>
    origins.set(`TaskTemplate.ContainerSpec.${field}`, [...path, key]);
  at('Image', 'image');
  at('Labels', 'labels');

  const entrypoint = convertCommand(service.entrypoint, [...path, 'entrypoint'], ctx);
  if (entrypoint) spec.Command = entrypoint;
  at('Command', 'entrypoint');
  const command = convertCommand(service.command, [...path, 'command'], ctx);
  if (command) spec.Args = command;
  at('Args', 'command');

  const env = convertEnvironment(service, path, ctx);
  if (env) spec.Env = env;
  at('Env', service.environment !== undefined ? 'environment' : 'env_file');

  const strings: Array<[string, keyof ContainerSpec]> = [
    ['hostname', 'Hostname'],
    ['working_dir', 'Dir'],
    ['user', 'User'],
    ['stop_signal', 'StopSignal'],
    ['isolation', 'Isolation'],
  ];
  for (const [key, field] of strings) {
    const value = stringOf(service[key]);
    if (value !== undefined) (spec as unknown as Record<string, unknown>)[field] = value;
    at(field, key);
  }
  const booleans: Array<[string, keyof ContainerSpec]> = [
    ['tty', 'TTY'],
    ['stdin_open', 'OpenStdin'],
    ['read_only', 'ReadOnly'],
    ['init', 'Init'],
  ];
  for (const [key, field] of booleans) {
    const value = booleanOf(service[key]);
    // Docker sends false as "not set" except for init, whose false overrides the engine's default.
    if (value === true || (value === false && field === 'Init')) {
      (spec as unknown as Record<string, unknown>)[field] = value;
    }
    at(field, key);
  }

  const stopGrace = durationField(service, 'stop_grace_period', path, ctx);
  if (stopGrace !== undefined) spec.StopGracePeriod = stopGrace;
  at('StopGracePeriod', 'stop_grace_period');

  const mounts = convertVolumes(service.volumes, [...path, 'volumes'], ctx, origins);
  if (mounts.length > 0) spec.Mounts = mounts;

  const health = convertHealthcheck(service.healthcheck, [...path, 'healthcheck'], ctx);
  if (health) spec.Healthcheck = health;
  at('Healthcheck', 'healthcheck');
  for (const [key, field] of [
    ['test', 'Test'],
    ['interval', 'Interval'],
    ['timeout', 'Timeout'],
    ['retries', 'Retries'],
    ['start_period', 'StartPeriod'],
    ['start_interval', 'StartInterval'],
  ] as Array<[string, string]>) {
    origins.set(`TaskTemplate.ContainerSpec.Healthcheck.${field}`, [...path, 'healthcheck', key]);
  }

  const hosts = convertExtraHosts(service.extra_hosts, [...path, 'extra_hosts'], ctx);
  if (hosts) spec.Hosts = hosts;
  at('Hosts', 'extra_hosts');

  const dns = convertDns(service, path, ctx);
  if (dns) spec.DNSConfig = dns;
  at('DNSConfig.Nameservers', 'dns');
  at('DNSConfig.Search', 'dns_search');

  if (service.sysctls !== undefined) spec.Sysctls = mappingOf(service.sysctls);
  at('Sysctls', 'sysctls');

  const caps = convertCapabilities(service, path, origins);
  if (caps.add.length > 0) spec.CapabilityAdd = caps.add;
  if (caps.drop.length > 0) spec.CapabilityDrop = caps.drop;

  const ulimits = convertUlimits(service.ulimits, [...path, 'ulimits'], origins);
  if (ulimits.length > 0) spec.Ulimits = ulimits;

  const oomScoreAdj = numberOf(service.oom_score_adj);
  if (oomScoreAdj !== undefined) spec.OomScoreAdj = oomScoreAdj;
  at('OomScoreAdj', 'oom_score_adj');
  return spec;
}

/** `extra_hosts:` as swarm's "IP hostname" lines (docker/cli convertExtraHosts); a mapping is sorted first. */
function convertExtraHosts(value: unknown, path: Path, ctx: ConvertContext): string[] | undefined {
  const entries: Array<{ text: string; path: Path }> = [];
  if (Array.isArray(value))
    value.forEach((entry, i) => entries.push({ text: scalarText(entry), path: [...path, i] }));
  else if (isDict(value)) {
    for (const [host, ip] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (ip === null || ip === undefined) {
        ctx.reporter.error([...path, host], `${where([...path, host])} needs an IP address`, 'key');
        continue;
      }
      entries.push({ text: `${host}:${scalarText(ip)}`, path: [...path, host] });
    }
  } else return undefined;
  const hosts: string[] = [];
  for (const entry of entries) {
    const colon = entry.text.indexOf(':');
    if (colon <= 0 || colon === entry.text.length - 1) {
      ctx.reporter.error(entry.path, `${where(entry.path)}: ${JSON.stringify(entry.text)} must be host:ip`);
      continue;
    }
    hosts.push(`${entry.text.slice(colon + 1)} ${entry.text.slice(0, colon)}`);
  }
  return hosts.length > 0 ? hosts : undefined;
}

function convertDns(service: Dict, path: Path, ctx: ConvertContext): ContainerSpec['DNSConfig'] | undefined {
  const listed = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : listOf(value).map(scalarText);
  const nameservers = listed(service.dns);
  const search = listed(service.dns_search);
  nameservers.forEach((server, i) => {
    if (isIP(server) === 0) {
      const at = typeof service.dns === 'string' ? [...path, 'dns'] : [...path, 'dns', i];
      ctx.reporter.error(at, `${where(at)}: ${JSON.stringify(server)} is not an IP address`);
    }
  });
  if (nameservers.length === 0 && search.length === 0) return undefined;
  const dns: NonNullable<ContainerSpec['DNSConfig']> = {};
  if (nameservers.length > 0) dns.Nameservers = nameservers;
  if (search.length > 0) dns.Search = search;
  return dns;
}

/**
 * `cap_add` / `cap_drop` normalized as Docker does (opts.EffectiveCapAddCapDrop): upper case, `CAP_`
 * prefix, `ALL` kept as is and alone in its list; a capability both added and dropped is added. Sorted.
 */
function convertCapabilities(service: Dict, path: Path, origins: Origins): { add: string[]; drop: string[] } {
  const normalize = (cap: string): string => {
    const upper = cap.trim().toUpperCase();
    return upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  };
  const read = (key: string): Map<string, number> => {
    const caps = new Map<string, number>();
    listOf(service[key]).forEach((cap, i) => {
      const name = normalize(scalarText(cap));
      if (!caps.has(name)) caps.set(name, i);
    });
    return caps;
  };
  // "ALL" trumps every other capability of its list; a capability both added and dropped is added.
  const allOrEach = (caps: Map<string, number>): Map<string, number> =>
    caps.has('ALL') ? new Map([['ALL', caps.get('ALL') ?? 0]]) : caps;
  const add = allOrEach(read('cap_add'));
  const drop = allOrEach(read('cap_drop'));
  for (const cap of add.keys()) drop.delete(cap);
  const sorted = (caps: Map<string, number>, key: string, field: string): string[] => {
    const names = [...caps.keys()].sort();
    names.forEach((cap, i) =>
      origins.set(`TaskTemplate.ContainerSpec.${field}[${i}]`, [...path, key, caps.get(cap) ?? 0]),
    );
    return names;
  };
  return { add: sorted(add, 'cap_add', 'CapabilityAdd'), drop: sorted(drop, 'cap_drop', 'CapabilityDrop') };
}

function convertUlimits(value: unknown, path: Path, origins: Origins): NonNullable<ContainerSpec['Ulimits']> {
  if (!isDict(value)) return [];
  const names = Object.keys(value).sort();
  return names.map((name, i) => {
    origins.set(`TaskTemplate.ContainerSpec.Ulimits[${i}]`, [...path, name]);
    const limit = value[name];
    if (typeof limit === 'number') return { Name: name, Soft: limit, Hard: limit };
    const pair = dictOf(limit);
    return { Name: name, Soft: numberOf(pair.soft) ?? 0, Hard: numberOf(pair.hard) ?? 0 };
  });
}

function convertLogging(
  service: Dict,
  path: Path,
  ctx: ConvertContext,
  origins: Origins,
): TaskSpec['LogDriver'] | undefined {
  if (!isDict(service.logging)) return undefined;
  const logging = service.logging;
  const loggingPath = [...path, 'logging'];
  const driver = stringOf(logging.driver);
  const options = isDict(logging.options)
    ? Object.fromEntries(Object.entries(logging.options).map(([key, value]) => [key, scalarText(value)]))
    : undefined;
  if (!driver) {
    if (options) {
      ctx.reporter.warning(
        [...loggingPath, 'options'],
        `${where([...loggingPath, 'options'])}: ignored: logging options need logging.driver`,
        'key',
      );
    }
    return undefined;
  }
  origins.set('TaskTemplate.LogDriver', loggingPath);
  origins.set('TaskTemplate.LogDriver.Name', [...loggingPath, 'driver']);
  origins.set('TaskTemplate.LogDriver.Options', [...loggingPath, 'options']);
  return options ? { Name: driver, Options: options } : { Name: driver };
}
