import type { RouteContext } from '../context';
import { pathParam, type ApiRequest, type ApiResponse, type Route } from '../dispatcher';
import { parseLogQuery } from '../logs/options';
import { encodeLogStream, isTtyService, openTaskLogs, type TaskLogsDependencies } from '../logs/task-logs';
import { resolveService, resolveTask } from '../swarm/resolve';

/**
 * `GET /services/{id}/logs` and `GET /tasks/{id}/logs`: the tasks' container logs, read from the engines
 * and merged into one Docker log stream, which `docker service logs` prints as `web.1.abc@node | line`.
 */
export function logRoutes(context: RouteContext, openLogs?: TaskLogsDependencies['openLogs']): Route[] {
  const deps: TaskLogsDependencies = {
    store: context.store,
    nodes: context.nodes,
    log: context.log,
    ...(openLogs ? { openLogs } : {}),
  };
  const respond = (
    request: ApiRequest,
    serviceId: string,
    selector: { serviceId: string } | { taskId: string },
  ): ApiResponse => {
    const options = parseLogQuery(request.query);
    const multiplexed = !isTtyService(context.store, serviceId);
    const merger = openTaskLogs(deps, selector, options);
    const stream = encodeLogStream(merger, { ...options, multiplexed });
    // Up to API 1.41 Docker labels both framed and raw logs so; its multiplexed-stream type came with 1.42.
    const contentType = 'application/vnd.docker.raw-stream';
    return { status: 200, headers: { 'Content-Type': contentType }, stream };
  };
  return [
    {
      method: 'GET',
      path: '/services/:id/logs',
      handle: (request) => {
        const service = resolveService(context.store, pathParam(request, 'id'));
        return respond(request, service.ID, { serviceId: service.ID });
      },
    },
    {
      method: 'GET',
      path: '/tasks/:id/logs',
      handle: (request) => {
        const task = resolveTask(context.store, pathParam(request, 'id'));
        return respond(request, task.ServiceID, { taskId: task.ID });
      },
    },
  ];
}
