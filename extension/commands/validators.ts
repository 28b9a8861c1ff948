/**
 * Quick-input validation: each function returns undefined when the text is acceptable, else a message that
 * says what is wrong, as VS Code's `validateInput` wants. Parsers return the parsed value or throw with the
 * same message, so the command uses exactly what the validation accepted.
 */
import { parseExpression } from '../../agent/scheduler/expression';
import type { PortConfig } from '../model/types';

const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN =
  '(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::\\d{1,5})?';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}';

/** Docker's reference grammar (distribution/reference): `[domain/]path[:tag][@digest]`. */
const IMAGE_REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${NAME_COMPONENT}(?:/${NAME_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

export function validateImage(text: string): string | undefined {
  const image = text.trim();
  if (image === '') return 'Enter an image, e.g. shoal/web:latest or nginx:1.27';
  if (image.length > 255 + 128 + 80) return 'The image reference is too long';
  if (/\s/.test(image)) return 'An image reference has no spaces';
  if (/[A-Z]/.test(image.split('/').pop()?.split(':')[0] ?? '')) return 'Repository names must be lowercase';
  const match = IMAGE_REFERENCE.exec(image);
  if (!match) {
    return 'Not a valid image reference: use [registry/]name[:tag][@sha256:digest], with a lowercase name';
  }
  const path = match[2] ?? '';
  if (path.length > 255) return 'The repository name is longer than 255 characters';
  return undefined;
}

/** Swarm's service name rule (a DNS label with `_` allowed inside), at most 63 characters. */
const SERVICE_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;

export function validateServiceName(
  text: string,
  taken: ReadonlySet<string> = new Set(),
): string | undefined {
  const name = text.trim();
  if (name === '') return 'Enter a name for the service';
  if (name.length > 63) return 'A service name has at most 63 characters';
  if (!SERVICE_NAME.test(name)) {
    return 'Use letters, digits, "-" and "_", starting and ending with a letter or digit';
  }
  if (taken.has(name)) return `A service named "${name}" already exists`;
  return undefined;
}

/** A suggestion from the image: `registry/team/web:1.2` → `web`. */
export function defaultServiceName(image: string, taken: ReadonlySet<string> = new Set()): string {
  const last = image.trim().split('@')[0]?.split('/').pop()?.split(':')[0] ?? '';
  const base = last.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[-_]+|[-_]+$/g, '') || 'service';
  let name = base.slice(0, 63);
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 58)}-${n}`;
  return name;
}

/** Docker network names, as the agent checks them. */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const PREDEFINED_NETWORKS = new Set(['bridge', 'host', 'none', 'ingress', 'docker_gwbridge']);

export function validateNetworkName(
  text: string,
  taken: ReadonlySet<string> = new Set(),
): string | undefined {
  const name = text.trim();
  if (name === '') return 'Enter a name for the network';
  if (!NETWORK_NAME.test(name))
    return 'Use up to 128 letters, digits, "_", "." and "-", starting with a letter or digit';
  if (PREDEFINED_NETWORKS.has(name)) return `"${name}" is one of Docker's own networks`;
  if (taken.has(name)) return `A network named "${name}" already exists`;
  return undefined;
}

export function validateReplicas(text: string): string | undefined {
  const value = text.trim();
  if (!/^\d+$/.test(value)) return 'Enter a whole number of replicas (0 or more)';
  if (Number(value) > 10_000) return 'At most 10000 replicas';
  return undefined;
}

export function parseReplicas(text: string): number {
  const error = validateReplicas(text);
  if (error) throw new Error(error);
  return Number(text.trim());
}

export function validatePositiveInteger(text: string, what: string, max = 1_000_000): string | undefined {
  const value = text.trim();
  if (!/^\d+$/.test(value) || Number(value) < 1) return `Enter ${what}: a whole number, 1 or more`;
  if (Number(value) > max) return `${what} is at most ${max}`;
  return undefined;
}

/** A list typed on one line: items separated by commas or whitespace. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * One published port, host mode: `8080:80`, `8080:80/udp`, or `80` (the engine picks the host port).
 */
export function parsePort(text: string): PortConfig {
  const match = /^(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a port: use PUBLISHED:TARGET[/tcp|udp|sctp], e.g. 8080:80`);
  const target = Number(match[2]);
  if (target < 1 || target > 65535)
    throw new Error(`"${text}": the container port ${target} is out of range (1-65535)`);
  const port: PortConfig = {
    Protocol: (match[3]?.toLowerCase() ?? 'tcp') as PortConfig['Protocol'],
    TargetPort: target,
    PublishMode: 'host',
  };
  if (match[1] !== undefined) {
    const published = Number(match[1]);
    if (published < 1 || published > 65535) {
      throw new Error(`"${text}": the published port ${published} is out of range (1-65535)`);
    }
    port.PublishedPort = published;
  }
  return port;
}

export function parsePorts(text: string): PortConfig[] {
  const ports = splitList(text).map(parsePort);
  const seen = new Set<string>();
  for (const port of ports) {
    if (port.PublishedPort === undefined) continue;
    const key = `${port.PublishedPort}/${port.Protocol ?? 'tcp'}`;
    if (seen.has(key)) throw new Error(`the published port ${key} is given twice`);
    seen.add(key);
  }
  return ports;
}

export function validatePorts(text: string): string | undefined {
  return messageOf(() => parsePorts(text));
}

/** `KEY=VALUE` pairs separated by whitespace or commas; a value may not hold either (use Update for those). */
export function parseEnv(text: string): string[] {
  return splitList(text).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`"${pair}" is not KEY=VALUE`);
    const key = pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw new Error(`"${key}" is not a variable name: letters, digits and "_", not starting with a digit`);
    }
    return pair;
  });
}

export function validateEnv(text: string): string | undefined {
  return messageOf(() => parseEnv(text));
}

/** Constraints, separated by commas: `node.labels.zone==west, node.role!=manager`; the agent's own parser. */
export function parseConstraints(text: string): string[] {
  const items = text
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  for (const item of items) parseExpression(item, 'constraint');
  return items;
}

export function validateConstraints(text: string): string | undefined {
  return messageOf(() => parseConstraints(text));
}

/** A node label to add: `key=value` or `key`. */
export function parseLabel(text: string): { key: string; value: string } {
  const trimmed = text.trim();
  const eq = trimmed.indexOf('=');
  const key = eq < 0 ? trimmed : trimmed.slice(0, eq);
  const value = eq < 0 ? '' : trimmed.slice(eq + 1);
  if (key === '') throw new Error('Enter a label as key=value');
  if (!/^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/.test(key)) {
    throw new Error(`"${key}" is not a label key: letters, digits, ".", "-", "_" and "/"`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new Error('A label value may not contain control characters');
  return { key, value };
}

export function validateLabel(text: string): string | undefined {
  return messageOf(() => parseLabel(text));
}

/** An engine to add: `unix:///path`, `tcp://host:port` or `ssh://user@host[:port]`. */
export function validateEngineEndpoint(text: string): string | undefined {
  const value = text.trim();
  if (value === '')
    return 'Enter the engine: unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host';
  if (/^unix:\/\/\/\S+$/.test(value)) return undefined;
  if (/^tcp:\/\/[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(value)) return undefined;
  if (/^ssh:\/\/(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.\-[\]:]+(?::\d{1,5})?$/.test(value)) return undefined;
  return 'Use unix:///path, tcp://host:port or ssh://[user@]host[:port]';
}

/** An IPv4 subnet in CIDR notation, or empty (the engines choose). */
export function validateSubnet(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return 'Use CIDR notation, e.g. 10.20.0.0/24, or leave empty';
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return 'Each part of the address is 0-255';
  const prefix = Number(match[5]);
  if (prefix < 8 || prefix > 30) return 'The prefix length is 8-30';
  return undefined;
}

function messageOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Environment changes for Update: `KEY=VALUE` sets, `-KEY` removes. */
export function parseEnvChanges(text: string): { add: string[]; remove: string[] } {
  const add: string[] = [];
  const remove: string[] = [];
  for (const item of splitList(text)) {
    if (item.startsWith('-')) {
      const key = item.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key))
        throw new Error(`"${item}": use -NAME to remove a variable`);
      remove.push(key);
    } else {
      add.push(...parseEnv(item));
    }
  }
  return { add, remove };
}

export function validateEnvChanges(text: string): string | undefined {
  return messageOf(() => parseEnvChanges(text));
}
