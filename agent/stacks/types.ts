import type { ComposeDiagnostic, StackFiles } from '../compose/types';

/**
 * The stack API (Shoal's own routes, beside Docker's): the same over HTTP and the WebSocket.
 *
 *   POST   /shoal/stacks/:name/plan     StackRequest -> StackPlan           (nothing is applied)
 *   POST   /shoal/stacks/:name/deploy   StackRequest -> StackDeployResult
 *   GET    /shoal/stacks                -> StackSummary[]
 *   GET    /shoal/stacks/:name/services -> Service[]   (Docker's shape)
 *   GET    /shoal/stacks/:name/tasks    -> Task[]      (Docker's shape)
 *   DELETE /shoal/stacks/:name          -> StackRemoveResult
 *
 * A compose file with errors gets 400 with a {@link StackErrorBody}; a stack with no services gets 404.
 */

export interface StackRequest {
  files: StackFiles;
  /** The client's environment, for `${VAR}` interpolation. Used for this request only, never stored. */
  env?: Record<string, string>;
  /** Remove the stack's services that are no longer in the file. */
  prune?: boolean;
}

export interface FieldChange {
  /** A dotted path in the service spec: `TaskTemplate.ContainerSpec.Image`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export type ServiceAction = 'create' | 'update' | 'unchanged' | 'remove';

export interface PlannedService {
  /** `<stack>_<key>`. */
  name: string;
  /** The compose key; absent for a service being removed. */
  key?: string;
  action: ServiceAction;
  /** The existing service, for update, unchanged and remove. */
  id?: string;
  /** For update: what differs, field by field. */
  changes?: FieldChange[];
}

export type NetworkAction = 'create' | 'exists' | 'external';

export interface PlannedNetwork {
  name: string;
  key: string;
  action: NetworkAction;
}

export interface StackPlan {
  stack: string;
  services: PlannedService[];
  networks: PlannedNetwork[];
  /** The loader's warnings (ignored keys, ...), to show the user. */
  warnings: ComposeDiagnostic[];
}

export interface StackDeployResult extends StackPlan {
  /** Service name -> ID for every created or updated service. */
  serviceIds: Record<string, string>;
}

export interface StackSummary {
  name: string;
  services: number;
  /** Always `Swarm`, as `docker stack ls` shows. */
  orchestrator: 'Swarm';
}

export interface StackRemoveResult {
  services: string[];
  networks: string[];
}

export interface StackErrorBody {
  /** One line: the first error as `file:line:column: message`, and how many more. */
  message: string;
  diagnostics: ComposeDiagnostic[];
}
