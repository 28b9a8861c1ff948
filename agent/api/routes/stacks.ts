import { loadStack, validateStackName } from '../../compose';
import type { ComposeDiagnostic, ComposeLoadResult, ConvertedStack, StackFiles } from '../../compose/types';
import type { SpecPolicy } from '../../orchestrator/spec/validate';
import { validateConstraints } from '../../scheduler';
import { deployStack } from '../../stacks/deploy';
import { composeErrorBody } from '../../stacks/errors';
import { listStacks, listStackServices, listStackTasks } from '../../stacks/list';
import { planStack } from '../../stacks/plan';
import { removeStack } from '../../stacks/remove';
import { parseStackRequest } from '../../stacks/request';
import type { StackErrorBody } from '../../stacks/types';
import { InvalidArgumentError, ShoalError } from '../../util/errors';
import type { RouteContext } from '../context';
import { pathParam, type ApiRequest, type ApiResponse, type Route } from '../dispatcher';

/** The compose loader, as the stack routes use it (a parameter so that tests can give their own). */
export interface StackLoader {
  load(name: string, files: StackFiles, env: Record<string, string>): ComposeLoadResult;
  /** Throws an InvalidArgumentError naming what is wrong with a stack name. */
  validateName(name: string): void;
}

export const composeLoader: StackLoader = {
  load: loadStack,
  validateName(name) {
    const problem = validateStackName(name);
    if (problem !== undefined) throw new InvalidArgumentError(problem);
  },
};

/**
 * Shoal's stack routes (agent/stacks/types.ts): plan, deploy, list, services, tasks, remove. The agent loads
 * and converts the compose file, so a stack means the same from the CLI, the extension and any other client.
 */
export function stackRoutes({ store }: RouteContext, loader: StackLoader = composeLoader): Route[] {
  const policy: SpecPolicy = { validateConstraints };
  const stackName = (request: ApiRequest) => {
    const name = pathParam(request, 'name');
    loader.validateName(name);
    return name;
  };

  /** Loads the request's files; a file with errors is a 400 carrying every diagnostic. */
  const withStack = (
    request: ApiRequest,
    use: (stack: ConvertedStack, options: { prune: boolean; warnings: ComposeDiagnostic[] }) => unknown,
  ): ApiResponse => {
    try {
      const name = stackName(request);
      const { files, env = {}, prune = false } = parseStackRequest(request.body);
      const { stack, diagnostics } = loader.load(name, files, env);
      if (!stack || diagnostics.some((d) => d.severity === 'error')) {
        return { status: 400, body: composeErrorBody(diagnostics) };
      }
      return { status: 200, body: use(stack, { prune, warnings: diagnostics }) };
    } catch (error) {
      // Every refusal of these two routes has the StackErrorBody shape, diagnostics or not.
      if (!(error instanceof ShoalError)) throw error;
      const body: StackErrorBody = { message: error.message, diagnostics: [] };
      return { status: error.status, body };
    }
  };

  return [
    {
      method: 'POST',
      path: '/shoal/stacks/:name/plan',
      handle: (request) => withStack(request, (stack, options) => planStack(store, stack, options)),
    },
    {
      method: 'POST',
      path: '/shoal/stacks/:name/deploy',
      handle: (request) => withStack(request, (stack, options) => deployStack(store, stack, policy, options)),
    },
    { method: 'GET', path: '/shoal/stacks', handle: () => ({ status: 200, body: listStacks(store) }) },
    {
      method: 'GET',
      path: '/shoal/stacks/:name/services',
      handle: (request) => ({ status: 200, body: listStackServices(store, stackName(request)) }),
    },
    {
      method: 'GET',
      path: '/shoal/stacks/:name/tasks',
      handle: (request) => ({ status: 200, body: listStackTasks(store, stackName(request)) }),
    },
    {
      method: 'DELETE',
      path: '/shoal/stacks/:name',
      handle: (request) => ({ status: 200, body: removeStack(store, stackName(request)) }),
    },
  ];
}
