import { parseCommandArgs as parse } from './args';
import * as sandbox from '../sandbox/sandbox';
import { runSubcommand } from './subcommands';
import { UsageError } from './usage';

const HELP = `Usage:
  shoal sandbox up [--nodes N] [--tcp]
      Start N dockerd (default 3), each in its own network namespace on a private bridge, with the
      shoal/web image imported. --tcp also listens on tcp://<node address>:2375 (plain TCP, reachable
      only from this host and the other nodes). Needs root, docker.io, iproute2, iptables, busybox-static.
  shoal sandbox status [--json]
      Print the nodes; --json prints {"nodes":[{"name","endpoint","address"}...]}.
  shoal sandbox stop-node NAME | start-node NAME
      Stop one node's dockerd (containers and data stay) or start it again: for trying failures.
  shoal sandbox down
      Stop every daemon and container and remove namespaces, links, the bridge, the iptables rule and cgroups.
State lives in $SHOAL_HOME/sandbox.
`;

export function sandboxCommand(args: string[]): Promise<number> {
  return runSubcommand(
    'sandbox',
    HELP,
    {
      up: upCommand,
      status: statusCommand,
      down: downCommand,
      'stop-node': (rest) => nodeCommand('stop-node', rest),
      'start-node': (rest) => nodeCommand('start-node', rest),
    },
    args,
  );
}

async function nodeCommand(sub: 'stop-node' | 'start-node', args: string[]): Promise<number> {
  const [name] = args;
  if (!name) throw new UsageError(`usage: shoal sandbox ${sub} <node name>`);
  await (sub === 'stop-node' ? sandbox.stopNode(name) : sandbox.startNode(name));
  return 0;
}

async function upCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { nodes: { type: 'string', short: 'n' }, tcp: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const nodesText = typeof values.nodes === 'string' ? values.nodes : '3';
  if (!/^\d+$/.test(nodesText)) throw new UsageError(`--nodes must be a number, got "${nodesText}"`);
  try {
    const { state, timings } = await sandbox.up({
      nodes: Number(nodesText),
      tcp: values.tcp === true,
      log: (line) => process.stderr.write(`sandbox: ${line}\n`),
    });
    for (const n of sandbox.status().nodes) {
      process.stdout.write(
        `${n.name}\t${n.address}\t${n.endpoint}${n.tcpEndpoint ? `\t${n.tcpEndpoint}` : ''}\n`,
      );
    }
    process.stderr.write(
      `sandbox: ${state.layout.nodes.length} nodes up in ${(timings.totalMs / 1000).toFixed(2)} s ` +
        `(network ${timings.networkMs} ms, daemons ${timings.daemonsMs} ms, images ${timings.imagesMs} ms)\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof sandbox.SandboxAlreadyUpError) {
      process.stderr.write(`shoal: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function statusCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(HELP);
    return Promise.resolve(0);
  }
  const s = sandbox.status();
  if (values.json) {
    const nodes = s.nodes.map((n) => ({
      name: n.name,
      endpoint: n.endpoint,
      address: n.address,
      ...(n.tcpEndpoint ? { tcpEndpoint: n.tcpEndpoint } : {}),
      running: n.running,
    }));
    process.stdout.write(JSON.stringify({ up: s.up, nodes }) + '\n');
  } else if (s.nodes.length === 0) {
    process.stdout.write('sandbox is down\n');
  } else {
    for (const n of s.nodes) {
      process.stdout.write(`${n.name}\t${n.running ? 'running' : 'stopped'}\t${n.address}\t${n.endpoint}\n`);
    }
  }
  return Promise.resolve(s.nodes.length === 0 || s.up ? 0 : 1);
}

async function downCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {});
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const result = await sandbox.down();
  process.stderr.write(
    result.wasUp ? `sandbox: down in ${(result.ms / 1000).toFixed(2)} s\n` : 'sandbox: already down\n',
  );
  return 0;
}
