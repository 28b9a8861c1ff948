import * as path from 'node:path';
import { requestAgent, responseErrorMessage, type AgentResponse, type AgentTarget } from '../api/client';
import { readStackFiles } from '../compose/client-files';
import type {
  StackDeployResult,
  StackErrorBody,
  StackPlan,
  StackRemoveResult,
  StackRequest,
  StackSummary,
} from '../stacks/types';
import type { StackFiles } from '../compose/types';
import type { Service, SwarmNode, Task } from '../types/swarm';
import { parseCommandArgs } from './args';
import {
  deployLines,
  formatDiagnostic,
  planText,
  servicesTable,
  stacksTable,
  tasksTable,
} from './stack-output';
import { runSubcommand } from './subcommands';
import { agentTarget } from './target';
import { UsageError } from './usage';

const HELP = `Usage:
  shoal stack deploy -c FILE [--prune] STACK   create or update the stack's services from a compose file:
                                               only the services whose spec changed are updated (rolling)
  shoal stack diff -c FILE [--prune] [--json] STACK
                                               show what deploy would do, field by field; nothing is applied
  shoal stack ls [--json]                      the stacks and their number of services
  shoal stack services STACK                   the stack's services and their replicas
  shoal stack ps STACK                         the stack's tasks
  shoal stack rm STACK...                      remove the stacks' services and the networks they created

  -c, --compose-file FILE   the compose file (one; the .env beside it and its env_file files are read too)
  --prune                   also remove the stack's services that are no longer in the file
  --agent unix:///path | HOST:PORT   the agent (default: the agent socket in $SHOAL_HOME)

\${VAR} in the file is taken from this shell's environment, then from the .env file beside it.
The stock docker CLI works too: docker stack deploy --resolve-image never -c FILE STACK, docker stack ls | services | ps | rm.
`;

export function stackCommand(args: string[]): Promise<number> {
  return runSubcommand('stack', HELP, { deploy, diff, ls: list, services, ps, rm: remove }, args);
}

const FILE_OPTIONS = {
  'compose-file': { type: 'string', short: 'c', multiple: true },
  prune: { type: 'boolean' },
  agent: { type: 'string' },
} as const;

async function deploy(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, FILE_OPTIONS);
  if (parsed.values.help) return help();
  const { target, name, request } = await stackRequest(parsed.values, parsed.positionals, 'deploy');
  const response = await requestAgent(
    target,
    'POST',
    `/shoal/stacks/${encodeURIComponent(name)}/deploy`,
    request,
    {
      timeoutMs: 120_000,
    },
  );
  const result = expectStackAnswer(response) as StackDeployResult | undefined;
  if (!result) return 1;
  printWarnings(result);
  for (const line of deployLines(result)) process.stdout.write(`${line}\n`);
  return 0;
}

async function diff(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, { ...FILE_OPTIONS, json: { type: 'boolean' } });
  if (parsed.values.help) return help();
  const { target, name, request } = await stackRequest(parsed.values, parsed.positionals, 'diff');
  const response = await requestAgent(
    target,
    'POST',
    `/shoal/stacks/${encodeURIComponent(name)}/plan`,
    request,
  );
  const plan = expectStackAnswer(response) as StackPlan | undefined;
  if (!plan) return 1;
  printWarnings(plan);
  process.stdout.write(parsed.values.json ? `${JSON.stringify(plan, null, 2)}\n` : planText(plan));
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    agent: { type: 'string' },
  });
  if (values.help) return help();
  if (positionals.length > 0) throw new UsageError('usage: shoal stack ls [--json]');
  const stacks = check(await requestAgent(targetOf(values.agent), 'GET', '/shoal/stacks')) as StackSummary[];
  process.stdout.write(values.json ? `${JSON.stringify(stacks, null, 2)}\n` : stacksTable(stacks));
  return 0;
}

async function services(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { agent: { type: 'string' } });
  if (values.help) return help();
  const name = onlyStack(positionals, 'services');
  const target = targetOf(values.agent);
  const found = check(await requestAgent(target, 'GET', stackPath(name, 'services'))) as Service[];
  process.stdout.write(servicesTable(found));
  return 0;
}

async function ps(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { agent: { type: 'string' } });
  if (values.help) return help();
  const name = onlyStack(positionals, 'ps');
  const target = targetOf(values.agent);
  const [tasks, stackServices, nodes] = await Promise.all([
    requestAgent(target, 'GET', stackPath(name, 'tasks')),
    requestAgent(target, 'GET', stackPath(name, 'services')),
    requestAgent(target, 'GET', '/nodes'),
  ]);
  process.stdout.write(
    tasksTable(check(tasks) as Task[], check(stackServices) as Service[], check(nodes) as SwarmNode[]),
  );
  return 0;
}

async function remove(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { agent: { type: 'string' } });
  if (values.help) return help();
  if (positionals.length === 0) throw new UsageError('usage: shoal stack rm STACK...');
  const target = targetOf(values.agent);
  let failed = false;
  for (const name of positionals) {
    const response = await requestAgent(target, 'DELETE', `/shoal/stacks/${encodeURIComponent(name)}`);
    if (response.status !== 200) {
      process.stderr.write(`shoal: ${responseErrorMessage(response)}\n`);
      failed = true;
      continue;
    }
    const removed = response.body as StackRemoveResult;
    for (const service of removed.services) process.stdout.write(`Removing service ${service}\n`);
    for (const network of removed.networks) process.stdout.write(`Removing network ${network}\n`);
  }
  return failed ? 1 : 0;
}

/** The request for deploy and diff: exactly one compose file, read with what it refers to, and the environment. */
async function stackRequest(
  values: { 'compose-file'?: string[] | undefined; prune?: boolean | undefined; agent?: string | undefined },
  positionals: string[],
  command: string,
): Promise<{ target: AgentTarget; name: string; request: StackRequest }> {
  const usage = `usage: shoal stack ${command} -c FILE [--prune] STACK`;
  const files = values['compose-file'] ?? [];
  if (files.length === 0) throw new UsageError(`${usage}: a compose file (-c FILE) is required`);
  if (files.length > 1) {
    throw new UsageError(`${usage}: give one compose file (merging several is not supported)`);
  }
  const name = onlyStack(positionals, command, usage);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (typeof value === 'string') env[key] = value;
  return {
    target: targetOf(values.agent),
    name,
    request: { files: await readFiles(path.resolve(files[0]!)), env, prune: values.prune === true },
  };
}

async function readFiles(composePath: string): Promise<StackFiles> {
  try {
    return await readStackFiles(composePath);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
    throw new Error(`cannot read ${e.path ?? composePath}: ${why}`, { cause: error });
  }
}

function onlyStack(
  positionals: string[],
  command: string,
  usage = `usage: shoal stack ${command} STACK`,
): string {
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined) throw new UsageError(usage);
  return name;
}

/**
 * The body of a plan or deploy answer; for a compose file with errors, prints each diagnostic as
 * `file:line:column: error: message` and returns undefined. Other refusals throw with the agent's message.
 */
function expectStackAnswer(response: AgentResponse): unknown {
  if (response.status === 200) return response.body;
  const body = response.body as Partial<StackErrorBody> | undefined;
  const diagnostics = body?.diagnostics ?? [];
  if (diagnostics.length === 0) throw new Error(responseErrorMessage(response));
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  return undefined;
}

function printWarnings(plan: StackPlan): void {
  for (const warning of plan.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
}

function check(response: AgentResponse): unknown {
  if (response.status !== 200) throw new Error(responseErrorMessage(response));
  return response.body;
}

function stackPath(name: string, what: 'services' | 'tasks'): string {
  return `/shoal/stacks/${encodeURIComponent(name)}/${what}`;
}

function targetOf(flag: unknown): AgentTarget {
  return agentTarget(typeof flag === 'string' ? flag : undefined);
}

function help(): number {
  process.stdout.write(HELP);
  return 0;
}
