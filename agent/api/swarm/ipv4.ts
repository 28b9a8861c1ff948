import { isIPv4 } from 'node:net';

/** An IPv4 network: its first address (as an unsigned 32-bit number) and prefix length. */
export interface Ipv4Network {
  base: number;
  prefix: number;
}

export function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** `10.1.0.0/16` as a network, or undefined when it is not IPv4 CIDR with the host bits clear. */
export function parseIpv4Cidr(cidr: string): Ipv4Network | undefined {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  if (!match || !isIPv4(match[1] ?? '')) return undefined;
  const prefix = Number(match[2]);
  if (prefix > 32) return undefined;
  const address = ipv4ToNumber(match[1] ?? '');
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { base: address, prefix };
}

export function ipv4NetworkContains(network: Ipv4Network, address: number): boolean {
  const size = 2 ** (32 - network.prefix);
  return address >= network.base && address < network.base + size;
}

export function ipv4NetworksOverlap(a: Ipv4Network, b: Ipv4Network): boolean {
  return ipv4NetworkContains(a, b.base) || ipv4NetworkContains(b, a.base);
}
