import { createHash } from 'node:crypto';
import * as path from 'node:path';

/**
 * Every name and address a sandbox uses, derived from its directory so that two sandboxes
 * (say the user's and the test suite's, under different SHOAL_HOMEs) never collide.
 */
export interface SandboxLayout {
  /** 4 hex digits from the sandbox directory; appears in every kernel object's name. */
  instance: string;
  dir: string;
  bridge: string;
  /** Third octet of the sandbox subnet 10.231.<octet>.0/24. */
  subnetOctet: number;
  bridgeAddress: string;
  /** iptables comment that marks the sandbox's one FORWARD rule. */
  ruleComment: string;
  nodes: NodeLayout[];
}

export interface NodeLayout {
  index: number;
  name: string;
  hostname: string;
  netns: string;
  veth: string;
  address: string;
  cgroupParent: string;
  dir: string;
  socket: string;
  tcpPort: number;
}

export const SUBNET_PREFIX = '10.231';
export const DOCKER_TCP_PORT = 2375;
export const MAX_NODES = 200;

export function instanceOf(sandboxDir: string): string {
  return createHash('sha256').update(path.resolve(sandboxDir)).digest('hex').slice(0, 4);
}

/** The default subnet octet for an instance; `up` moves to the next free one if it is taken. */
export function defaultSubnetOctet(instance: string): number {
  return (parseInt(instance, 16) % 250) + 1;
}

export function layoutFor(sandboxDir: string, nodeCount: number, subnetOctet?: number): SandboxLayout {
  const instance = instanceOf(sandboxDir);
  const octet = subnetOctet ?? defaultSubnetOctet(instance);
  const nodes: NodeLayout[] = [];
  for (let i = 1; i <= nodeCount; i++) {
    const dir = path.join(sandboxDir, 'nodes', `n${i}`);
    nodes.push({
      index: i,
      name: `node${i}`,
      hostname: `node${i}`,
      netns: `shoal${instance}-n${i}`,
      veth: `shoal${instance}v${i}`,
      address: `${SUBNET_PREFIX}.${octet}.${10 + i}`,
      cgroupParent: `/shoal-${instance}-n${i}`,
      dir,
      socket: path.join(dir, 'docker.sock'),
      tcpPort: DOCKER_TCP_PORT,
    });
  }
  return {
    instance,
    dir: sandboxDir,
    bridge: `shoal${instance}br`,
    subnetOctet: octet,
    bridgeAddress: `${SUBNET_PREFIX}.${octet}.1`,
    ruleComment: `shoal-sandbox-${instance}`,
    nodes,
  };
}
