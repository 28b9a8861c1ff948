import { TaskIndex } from '../../store/task-index';
import type { RouteContext } from '../context';
import { pathParam, type Route } from '../dispatcher';
import { parseFilters } from '../filters';
import { resolveTask } from '../swarm/resolve';
import { TASK_FILTERS, taskFilter, taskView } from '../swarm/task-view';

/** `GET /tasks` (what `docker service ps` and the CLI's progress poll read) and `GET /tasks/{id}`. */
export function taskRoutes({ store, nodes }: RouteContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/tasks',
      handle: (request) => {
        const matches = taskFilter(store, nodes, parseFilters(request.query.get('filters'), TASK_FILTERS));
        return { status: 200, body: TaskIndex.of(store).all().filter(matches).map(taskView) };
      },
    },
    {
      method: 'GET',
      path: '/tasks/:id',
      handle: (request) => ({ status: 200, body: taskView(resolveTask(store, pathParam(request, 'id'))) }),
    },
  ];
}
