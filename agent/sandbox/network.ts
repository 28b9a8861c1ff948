import { run, tryRun } from '../util/exec';
import { SUBNET_PREFIX, type SandboxLayout } from './layout';

/**
 * The sandbox's network: one bridge in the root namespace, one namespace per node joined to it by a veth,
 * no default route out, and one FORWARD rule so frames bridged between nodes pass the host's firewall
 * (with bridge-nf-call-iptables on, a host dockerd's FORWARD DROP policy would drop them).
 */
export async function createNetwork(layout: SandboxLayout): Promise<void> {
  const root = [
    `link add ${layout.bridge} type bridge`,
    `addr add ${layout.bridgeAddress}/24 dev ${layout.bridge}`,
    `link set ${layout.bridge} up`,
  ];
  for (const node of layout.nodes) {
    root.push(
      `netns add ${node.netns}`,
      `link add ${node.veth} type veth peer name eth0 netns ${node.netns}`,
      `link set ${node.veth} master ${layout.bridge} up`,
    );
  }
  // One `ip` process per namespace: it stops at the first error, which `up` reports and rolls back.
  await runBatch([], root);
  await Promise.all(
    layout.nodes.map((node) =>
      runBatch(
        ['-n', node.netns],
        [`addr add ${node.address}/24 dev eth0`, 'link set lo up', 'link set eth0 up'],
      ),
    ),
  );
  await run('iptables', forwardRule(layout, '-I'));
}

export async function removeNetwork(layout: SandboxLayout): Promise<void> {
  // Repeat until gone: an earlier failed run could have inserted the rule twice.
  for (let i = 0; i < 10 && (await tryRun('iptables', forwardRule(layout, '-C'))); i++) {
    await tryRun('iptables', forwardRule(layout, '-D'));
  }
  for (const node of layout.nodes) {
    // Deleting the namespace takes its end of the veth pair, and with it the pair.
    await tryRun('ip', ['netns', 'del', node.netns]);
    await tryRun('ip', ['link', 'del', node.veth]);
  }
  await tryRun('ip', ['link', 'del', layout.bridge]);
}

function runBatch(options: string[], commands: string[]): Promise<unknown> {
  return run('ip', [...options, '-batch', '-'], { input: commands.join('\n') + '\n' });
}

function forwardRule(layout: SandboxLayout, op: '-I' | '-C' | '-D'): string[] {
  const position = op === '-I' ? ['1'] : [];
  return [
    op,
    'FORWARD',
    ...position,
    '-i',
    layout.bridge,
    '-o',
    layout.bridge,
    '-m',
    'comment',
    '--comment',
    layout.ruleComment,
    '-j',
    'ACCEPT',
  ];
}

/** Third octets of 10.231.x.0/24 subnets already used by an address or a route on this host. */
export async function usedSubnetOctets(): Promise<Set<number>> {
  const used = new Set<number>();
  const { stdout: addrs } = await run('ip', ['-4', '-o', 'addr', 'show']);
  const { stdout: routes } = await run('ip', ['-4', 'route', 'show']);
  const pattern = new RegExp(`\\b${SUBNET_PREFIX.replace('.', '\\.')}\\.(\\d+)\\.`, 'g');
  for (const match of (addrs + routes).matchAll(pattern)) used.add(Number(match[1]));
  return used;
}

export interface NetworkLeftovers {
  namespaces: string[];
  links: string[];
  forwardRule: boolean;
}

export async function findNetworkLeftovers(layout: SandboxLayout): Promise<NetworkLeftovers> {
  const { stdout: netns } = await run('ip', ['netns', 'list']);
  const { stdout: links } = await run('ip', ['-o', 'link', 'show']);
  const prefix = `shoal${layout.instance}`;
  return {
    namespaces: netns
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter((n) => n.startsWith(prefix)),
    links: links
      .split('\n')
      .map((l) => (l.split(':')[1] ?? '').trim().split('@')[0] ?? '')
      .filter((n) => n.startsWith(prefix)),
    forwardRule: await tryRun('iptables', forwardRule(layout, '-C')),
  };
}
