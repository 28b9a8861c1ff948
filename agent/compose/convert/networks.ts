import { parseNetworkCreate } from '../../api/swarm/network-body';
import type { NetworkAttachmentConfig } from '../../types/swarm';
import type { Path } from '../positions';
import { STACK_NAMESPACE_LABEL, type StackNetwork, type StackNetworkSpec } from '../types';
import {
  booleanOf,
  dictOf,
  isDict,
  listOf,
  Origins,
  scalarText,
  stringOf,
  where,
  type ConvertContext,
  type Dict,
} from './context';
import { mappingOf } from './environment';
import { locateField, refusalMessage, removeField } from './spec-fields';

export const DEFAULT_NETWORK = 'default';

/** A network of the stack, from the top-level `networks:` (or the implicit `default`). */
export interface NetworkDeclaration {
  key: string;
  name: string;
  external: boolean;
  /** Where it is declared; absent for an undeclared `default`. */
  path?: Path;
  spec: StackNetworkSpec;
  origins: Origins;
}

/** Reads the top-level `networks:`, reporting what Shoal or docker stack deploy refuses or ignores. */
export function declareNetworks(ctx: ConvertContext): Map<string, NetworkDeclaration> {
  const declarations = new Map<string, NetworkDeclaration>();
  for (const [key, raw] of Object.entries(ctx.networks)) {
    declarations.set(key, declareNetwork(key, dictOf(raw), ctx));
  }
  if (!declarations.has(DEFAULT_NETWORK)) {
    const name = `${ctx.stack}_${DEFAULT_NETWORK}`;
    declarations.set(DEFAULT_NETWORK, {
      key: DEFAULT_NETWORK,
      name,
      external: false,
      spec: { Name: name, Driver: 'overlay', Labels: { [STACK_NAMESPACE_LABEL]: ctx.stack } },
      origins: new Origins(),
    });
  }
  return declarations;
}

function declareNetwork(key: string, network: Dict, ctx: ConvertContext): NetworkDeclaration {
  const path: Path = ['networks', key];
  const origins = new Origins();
  const external = network.external;
  const isExternal = external === true || isDict(external);
  let name = stringOf(network.name);
  origins.set('Name', name === undefined ? path : [...path, 'name']);
  if (isDict(external) && typeof external.name === 'string') {
    if (name !== undefined) {
      ctx.reporter.error(
        [...path, 'external', 'name'],
        `${where(path)}: external.name and name conflict; only use name`,
      );
    } else {
      ctx.reporter.warning(
        [...path, 'external', 'name'],
        `${where([...path, 'external', 'name'])} is deprecated: use ${where(path)}.name`,
      );
      name = external.name;
      origins.set('Name', [...path, 'external', 'name']);
    }
  }
  if (isExternal) {
    for (const ignored of ['driver', 'driver_opts', 'ipam', 'internal', 'attachable', 'labels']) {
      if (network[ignored] !== undefined) {
        ctx.reporter.warning(
          [...path, ignored],
          `${where([...path, ignored])}: ignored: an external network is used as it is, never created`,
          'key',
        );
      }
    }
    const externalName = name ?? key;
    return {
      key,
      name: externalName,
      external: true,
      path,
      spec: { Name: externalName, Driver: 'overlay', Labels: {} },
      origins,
    };
  }
  const networkName = name ?? `${ctx.stack}_${key}`;
  const spec: StackNetworkSpec = {
    Name: networkName,
    Driver: stringOf(network.driver) || 'overlay',
    Labels: { ...mappingOf(network.labels), [STACK_NAMESPACE_LABEL]: ctx.stack },
  };
  origins.set('Driver', [...path, 'driver']);
  origins.set('Labels', [...path, 'labels']);
  if (isDict(network.driver_opts)) {
    spec.Options = Object.fromEntries(
      Object.entries(network.driver_opts).map(([option, value]) => [option, scalarText(value)]),
    );
    origins.set('Options', [...path, 'driver_opts']);
  }
  const internal = booleanOf(network.internal);
  if (internal !== undefined) {
    spec.Internal = internal;
    origins.set('Internal', [...path, 'internal']);
  }
  const attachable = booleanOf(network.attachable);
  if (attachable !== undefined) {
    spec.Attachable = attachable;
    origins.set('Attachable', [...path, 'attachable']);
  }
  const ipam = dictOf(network.ipam);
  const ipamDriver = stringOf(ipam.driver);
  const ipamConfig = listOf(ipam.config);
  if (ipamDriver !== undefined || ipamConfig.length > 0) {
    spec.IPAM = {};
    origins.set('IPAM', [...path, 'ipam']);
    if (ipamDriver !== undefined) {
      spec.IPAM.Driver = ipamDriver;
      origins.set('IPAM.Driver', [...path, 'ipam', 'driver']);
    }
    if (ipamConfig.length > 0) {
      spec.IPAM.Config = ipamConfig.map((config, i) => {
        const subnet = stringOf(dictOf(config).subnet);
        origins.set(`IPAM.Config[${i}]`, [...path, 'ipam', 'config', i]);
        if (subnet !== undefined)
          origins.set(`IPAM.Config[${i}].Subnet`, [...path, 'ipam', 'config', i, 'subnet']);
        return subnet === undefined ? {} : { Subnet: subnet };
      });
    }
  }
  return { key, name: networkName, external: false, path, spec, origins };
}

/**
 * A service's `networks:` as `TaskTemplate.Networks`, sorted by target as Docker sorts them; the service's
 * name is added as an alias on each network (Docker's default alias). Returns the network keys it joins.
 */
export function convertServiceNetworks(
  service: Dict,
  servicePath: Path,
  serviceKey: string,
  declarations: Map<string, NetworkDeclaration>,
  ctx: ConvertContext,
  origins: Origins,
): { attachments: NetworkAttachmentConfig[]; keys: string[] } {
  const networksPath = [...servicePath, 'networks'];
  const entries: Array<{ key: string; config: Dict; path: Path }> = [];
  const value = service.networks;
  if (Array.isArray(value)) {
    value.forEach((key, i) => entries.push({ key: scalarText(key), config: {}, path: [...networksPath, i] }));
  } else if (isDict(value)) {
    for (const [key, config] of Object.entries(value)) {
      entries.push({ key, config: dictOf(config), path: [...networksPath, key] });
    }
  }
  if (entries.length === 0) entries.push({ key: DEFAULT_NETWORK, config: {}, path: servicePath });

  const attachments: Array<{ attachment: NetworkAttachmentConfig; path: Path }> = [];
  const keys: string[] = [];
  for (const entry of entries) {
    const declaration = declarations.get(entry.key);
    if (!declaration) {
      ctx.reporter.error(
        entry.path,
        `${where(entry.path)}: network "${entry.key}" is not declared under the top-level networks key`,
        Array.isArray(value) ? 'value' : 'key',
      );
      continue;
    }
    keys.push(entry.key);
    for (const address of ['ipv4_address', 'ipv6_address']) {
      if (entry.config[address] !== undefined) {
        ctx.reporter.warning(
          [...entry.path, address],
          `${where([...entry.path, address])}: ignored: docker stack deploy does not set static addresses`,
          'key',
        );
      }
    }
    const attachment: NetworkAttachmentConfig = { Target: declaration.name };
    const aliases = listOf(entry.config.aliases).map(scalarText);
    if (isUserDefined(declaration.name)) aliases.push(serviceKey);
    if (aliases.length > 0) attachment.Aliases = aliases;
    if (isDict(entry.config.driver_opts)) {
      attachment.DriverOpts = Object.fromEntries(
        Object.entries(entry.config.driver_opts).map(([option, v]) => [option, scalarText(v)]),
      );
    }
    attachments.push({ attachment, path: entry.path });
  }
  attachments.sort((a, b) =>
    a.attachment.Target < b.attachment.Target ? -1 : a.attachment.Target > b.attachment.Target ? 1 : 0,
  );
  attachments.forEach(({ path }, i) => origins.set(`TaskTemplate.Networks[${i}]`, path));
  return { attachments: attachments.map(({ attachment }) => attachment), keys };
}

/** Docker adds the service alias only on user-defined networks. */
function isUserDefined(name: string): boolean {
  return !['default', 'bridge', 'host', 'none'].includes(name) && !name.startsWith('container:');
}

/**
 * The networks the stack's services join, with what the agent accepts checked by the agent's own parser of
 * `POST /networks/create` bodies. Unused declared networks are not created (as docker stack deploy does),
 * with a warning; one warning per stack says that service names resolve only on one node for now.
 */
export function stackNetworks(
  declarations: Map<string, NetworkDeclaration>,
  usedBy: Map<string, string[]>,
  ctx: ConvertContext,
): StackNetwork[] {
  const networks: StackNetwork[] = [];
  for (const declaration of declarations.values()) {
    const services = usedBy.get(declaration.key) ?? [];
    if (services.length === 0) {
      if (declaration.path) {
        ctx.reporter.warning(
          declaration.path,
          `${where(declaration.path)}: not used by any service, so ${declaration.external ? 'not checked' : 'not created'} (as docker stack deploy does)`,
          'key',
        );
      }
      continue;
    }
    if (!declaration.external) checkAgainstAgent(declaration, ctx);
    networks.push({
      key: declaration.key,
      name: declaration.name,
      external: declaration.external,
      spec: declaration.spec,
    });
  }
  warnAboutNameResolution(declarations, usedBy, ctx);
  return networks;
}

/** Runs the network through the agent's parser, leaving out each refused field to find the next one. */
function checkAgainstAgent(declaration: NetworkDeclaration, ctx: ConvertContext): void {
  const path = declaration.path ?? ['services'];
  const spec = structuredClone(declaration.spec);
  for (let round = 0; round < 16; round++) {
    try {
      parseNetworkCreate(structuredClone(spec));
      return;
    } catch (error) {
      const message = (error as Error).message;
      // The agent's network messages name some fields in words: map those by topic.
      const topic = /network name|pre-defined/.test(message)
        ? 'Name'
        : /^network driver/.test(message)
          ? 'Driver'
          : undefined;
      const located = topic ? undefined : locateField(message, declaration.origins);
      const field = topic ?? located?.known;
      const at = (topic && declaration.origins.get(topic)) || located?.composePath || path;
      ctx.reporter.error(
        at,
        refusalMessage(at, message, located, declaration.origins),
        at.length <= 2 ? 'key' : 'value',
      );
      if (!field || field === 'Name' || !removeField(spec, field)) return;
    }
  }
}

function warnAboutNameResolution(
  declarations: Map<string, NetworkDeclaration>,
  usedBy: Map<string, string[]>,
  ctx: ConvertContext,
): void {
  const shared = [...declarations.values()].filter((d) => (usedBy.get(d.key) ?? []).length >= 2);
  const first = shared[0];
  if (!first) return;
  const services = listed([...new Set(usedBy.get(first.key))].sort());
  const others = shared.slice(1).map((d) => d.key);
  const also =
    others.length > 0 ? ` (and on ${others.length > 1 ? 'networks' : 'network'} ${listed(others)})` : '';
  const subject = first.path
    ? `${where(first.path)}: services ${services} share this network${also}`
    : `services ${services} share the stack's default network${also}`;
  ctx.reporter.warning(
    first.path ?? ['services'],
    `${subject}; until discovery lands, Shoal resolves service names only between tasks on the same node`,
    'key',
  );
}

function listed(names: string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
