import { isIP } from 'node:net';
import type { PortConfig } from '../../types/swarm';
import type { Path } from '../positions';
import { isDict, listOf, numberOf, stringOf, where, type ConvertContext } from './context';

type Protocol = NonNullable<PortConfig['Protocol']>;

export interface ConvertedPort {
  port: PortConfig;
  /** The `ports` entry it came from. */
  path: Path;
}

/**
 * `ports:` as `EndpointSpec.Ports`, sorted by published port as Docker sorts them. Ingress ports (the short
 * syntax, or the long syntax without `mode: host`) need the routing mesh, which Shoal does not have yet: they
 * are errors at their entry, and left out of the result.
 */
export function convertPorts(value: unknown, portsPath: Path, ctx: ConvertContext): ConvertedPort[] {
  const ports: ConvertedPort[] = [];
  listOf(value).forEach((entry, i) => {
    const path = [...portsPath, i];
    if (isDict(entry)) {
      const port = longSyntax(entry);
      if (port.PublishMode === 'host') ports.push({ port, path });
      else {
        const what = entry.mode === undefined ? 'mode defaults to ingress' : 'mode is ingress';
        ctx.reporter.error(path, ingressMessage(path, [port], what));
      }
      return;
    }
    const text = typeof entry === 'number' ? String(entry) : stringOf(entry);
    if (text === undefined) return;
    const parsed = parseShortSyntax(text);
    if ('error' in parsed) {
      ctx.reporter.error(path, `${where(path)}: invalid port ${JSON.stringify(text)}: ${parsed.error}`);
      return;
    }
    if (parsed.hostIp) {
      ctx.reporter.warning(
        path,
        `${where(path)}: the host IP ${parsed.hostIp} is ignored: docker stack deploy publishes on every address`,
      );
    }
    const what = `${JSON.stringify(text)} is an ingress port (the short syntax always is)`;
    ctx.reporter.error(path, ingressMessage(path, parsed.ports, what));
  });
  return ports.sort(
    (a, b) =>
      (a.port.PublishedPort ?? 0) - (b.port.PublishedPort ?? 0) ||
      a.port.TargetPort - b.port.TargetPort ||
      (a.port.Protocol ?? '').localeCompare(b.port.Protocol ?? ''),
  );
}

function longSyntax(entry: Record<string, unknown>): PortConfig {
  const port: PortConfig = {
    Protocol: (stringOf(entry.protocol) ?? 'tcp') as Protocol,
    TargetPort: numberOf(entry.target) ?? 0,
    PublishMode: stringOf(entry.mode) === 'host' ? 'host' : 'ingress',
  };
  const published = numberOf(entry.published);
  if (published !== undefined) port.PublishedPort = published;
  return port;
}

function ingressMessage(path: Path, ports: PortConfig[], what: string): string {
  const first = ports[0];
  const suggestion = first
    ? [
        `target: ${first.TargetPort}`,
        ...(first.PublishedPort ? [`published: ${first.PublishedPort}`] : []),
        ...(first.Protocol && first.Protocol !== 'tcp' ? [`protocol: ${first.Protocol}`] : []),
        'mode: host',
      ].join(', ')
    : 'target: 80, published: 8080, mode: host';
  const several = ports.length > 1 ? ', one entry per port' : '';
  return (
    `${where(path)}: ${what}; ingress ports need the routing mesh, which Shoal does not have yet: ` +
    `publish with mode: host (long syntax: { ${suggestion} }${several})`
  );
}

export interface ShortPorts {
  ports: PortConfig[];
  hostIp?: string;
}

/**
 * The short syntax `[[ip:]published:]target[/protocol]`, ranges allowed (`8000-8001:80-81`), as
 * `nat.ParsePortSpec` and `ConvertPortToPortConfig` read it: a published range with one target publishes
 * every port of the range to it; no published port lets the cluster choose.
 */
export function parseShortSyntax(text: string): ShortPorts | { error: string } {
  let rest = text.trim();
  let protocol: Protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    const name = rest.slice(slash + 1).toLowerCase();
    if (name !== 'tcp' && name !== 'udp' && name !== 'sctp') {
      return { error: `unknown protocol ${JSON.stringify(name)} (tcp, udp or sctp)` };
    }
    protocol = name;
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (bracketed) {
    hostIp = bracketed[1];
    rest = bracketed[2] ?? '';
  }
  const parts = rest.split(':');
  if (!bracketed && parts.length === 3) hostIp = parts.shift();
  if (bracketed && parts.length !== 2) return { error: 'expected [ip]:published:target' };
  if (parts.length > 2) return { error: 'too many colons (expected [ip:]published:target)' };
  if (hostIp !== undefined && hostIp !== '' && isIP(hostIp) === 0) {
    return { error: `${JSON.stringify(hostIp)} is not an IP address` };
  }
  const targetText = parts[parts.length - 1] ?? '';
  const publishedText = parts.length === 2 ? (parts[0] ?? '') : '';
  const target = parseRange(targetText, 1);
  if (!target) return { error: `${JSON.stringify(targetText)} is not a port or a port range` };
  const published = publishedText === '' ? undefined : parseRange(publishedText, 0);
  if (publishedText !== '' && !published) {
    return { error: `${JSON.stringify(publishedText)} is not a port or a port range` };
  }
  const ports: PortConfig[] = [];
  const targetCount = target.end - target.start + 1;
  if (published && targetCount > 1 && published.end - published.start + 1 !== targetCount) {
    return { error: 'the published and target ranges must have the same length' };
  }
  if (targetCount === 1 && published) {
    for (let p = published.start; p <= published.end; p++) {
      ports.push({ Protocol: protocol, TargetPort: target.start, PublishedPort: p, PublishMode: 'ingress' });
    }
  } else {
    for (let i = 0; i < targetCount; i++) {
      const port: PortConfig = { Protocol: protocol, TargetPort: target.start + i, PublishMode: 'ingress' };
      if (published) port.PublishedPort = published.start + i;
      ports.push(port);
    }
  }
  return hostIp ? { ports, hostIp } : { ports };
}

function parseRange(text: string, min: number): { start: number; end: number } | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < min || end > 65535 || end < start) return undefined;
  return { start, end };
}
