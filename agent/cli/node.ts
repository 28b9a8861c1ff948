import { requestAgent, responseErrorMessage, type AgentResponse } from '../api/client';
import type { SwarmNode } from '../types/swarm';
import { parseCommandArgs } from './args';
import { table } from './table';
import { agentTarget } from './target';
import { runSubcommand } from './subcommands';
import { UsageError } from './usage';

const HELP = `Usage:
  shoal node ls [--json]
  shoal node add ENDPOINT [--label KEY=VALUE]... [--tls-ca FILE --tls-cert FILE --tls-key FILE]
      ENDPOINT: unix:///path/docker.sock, tcp://host:2376 (with TLS client certificates), ssh://user@host
  shoal node rm NODE [--force]
Options for all: --agent unix:///path | HOST:PORT (default: the agent socket in $SHOAL_HOME)
The stock docker CLI manages nodes too: docker -H unix://$HOME/.shoal/agent.sock node ls | inspect | update | rm
`;

export function nodeCommand(args: string[]): Promise<number> {
  return runSubcommand('node', HELP, { ls: list, add, rm: remove }, args);
}

function check(response: AgentResponse, expected: number): unknown {
  if (response.status !== expected) throw new Error(responseErrorMessage(response));
  return response.body;
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, agent: { type: 'string' } });
  if (values.help) return help();
  const nodes = check(
    await requestAgent(agentTarget(agentFlag(values.agent)), 'GET', '/nodes'),
    200,
  ) as SwarmNode[];
  if (values.json) {
    process.stdout.write(JSON.stringify(nodes, null, 2) + '\n');
    return 0;
  }
  const rows = [['ID', 'HOSTNAME', 'STATUS', 'AVAILABILITY', 'ENDPOINT', 'LABELS']];
  for (const n of nodes) {
    const labels = Object.entries(n.Spec.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    rows.push([
      n.ID,
      n.Description.Hostname,
      n.Status.State,
      n.Spec.Availability,
      n.ShoalEndpoint?.URL ?? '',
      labels,
    ]);
  }
  process.stdout.write(table(rows));
  return 0;
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    label: { type: 'string', multiple: true },
    'tls-ca': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    agent: { type: 'string' },
  });
  if (values.help) return help();
  const [endpoint, extra] = positionals;
  if (!endpoint || extra !== undefined)
    throw new UsageError('usage: shoal node add ENDPOINT [--label KEY=VALUE]...');
  const labels: Record<string, string> = {};
  for (const entry of (values.label as string[] | undefined) ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--label "${entry}" must be KEY=VALUE`);
    labels[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const tlsParts = [values['tls-ca'], values['tls-cert'], values['tls-key']];
  const body: Record<string, unknown> = { Endpoint: endpoint, Labels: labels };
  if (tlsParts.some((p) => p !== undefined)) {
    if (tlsParts.some((p) => typeof p !== 'string')) {
      throw new UsageError('--tls-ca, --tls-cert and --tls-key go together');
    }
    body.TLS = { CACert: values['tls-ca'], Cert: values['tls-cert'], Key: values['tls-key'] };
  }
  const node = check(
    await requestAgent(agentTarget(agentFlag(values.agent)), 'POST', '/shoal/nodes', body),
    201,
  ) as SwarmNode;
  process.stdout.write(`${node.ID}\n`);
  return 0;
}

async function remove(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    force: { type: 'boolean', short: 'f' },
    agent: { type: 'string' },
  });
  if (values.help) return help();
  if (positionals.length === 0) throw new UsageError('usage: shoal node rm NODE [--force]');
  const target = agentTarget(agentFlag(values.agent));
  for (const ref of positionals) {
    const query = values.force ? '?force=true' : '';
    check(await requestAgent(target, 'DELETE', `/nodes/${encodeURIComponent(ref)}${query}`), 200);
    process.stdout.write(`${ref}\n`);
  }
  return 0;
}

function agentFlag(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function help(): number {
  process.stdout.write(HELP);
  return 0;
}
