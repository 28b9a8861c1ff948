import type {
  StackDeployResult,
  StackPlan,
  StackRemoveResult,
  StackRequest,
  StackSummary,
} from '../../agent/stacks/types';
import { parseDiagnostics } from './diagnostics-map';

/** Sends one request to the agent (the connection's `request`). */
export type Requester = <T>(method: string, path: string, body?: unknown) => Promise<T>;

function stackPath(name: string, action?: 'plan' | 'deploy'): string {
  return `/shoal/stacks/${encodeURIComponent(name)}${action === undefined ? '' : `/${action}`}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plan as the agent sent it, with missing lists as empty ones (the agent is trusted, not its shape). */
function normalizePlan<T extends StackPlan>(name: string, body: unknown): T {
  const raw = isRecord(body) ? body : {};
  return {
    ...raw,
    stack: typeof raw.stack === 'string' ? raw.stack : name,
    services: Array.isArray(raw.services) ? raw.services : [],
    networks: Array.isArray(raw.networks) ? raw.networks : [],
    warnings: parseDiagnostics(raw.warnings),
  } as T;
}

/** The agent's stack routes (agent/stacks/types.ts). Rejections are the connection's errors, unchanged. */
export class StackApi {
  constructor(private readonly request: Requester) {}

  async plan(name: string, body: StackRequest): Promise<StackPlan> {
    return normalizePlan(name, await this.request<unknown>('POST', stackPath(name, 'plan'), body));
  }

  async deploy(name: string, body: StackRequest): Promise<StackDeployResult> {
    const result = normalizePlan<StackDeployResult>(
      name,
      await this.request<unknown>('POST', stackPath(name, 'deploy'), body),
    );
    if (!isRecord(result.serviceIds)) result.serviceIds = {};
    return result;
  }

  async list(): Promise<StackSummary[]> {
    const body = await this.request<unknown>('GET', '/shoal/stacks');
    if (!Array.isArray(body)) return [];
    return body.filter((s): s is StackSummary => isRecord(s) && typeof s.name === 'string');
  }

  async remove(name: string): Promise<StackRemoveResult> {
    const body = await this.request<unknown>('DELETE', stackPath(name));
    const raw = isRecord(body) ? body : {};
    const strings = (v: unknown) =>
      Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
    return { services: strings(raw.services), networks: strings(raw.networks) };
  }
}
