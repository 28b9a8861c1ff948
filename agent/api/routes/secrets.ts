import { NotFoundError, ShoalError } from '../../util/errors';
import { pathParam, type Route } from '../dispatcher';
import { parseFilters } from '../filters';

const FILTERS = ['id', 'name', 'names', 'label'] as const;

/**
 * Secrets and configs are not supported (service specs that use them are refused), but `docker stack rm` and
 * `docker stack deploy` list them, so the lists answer: empty. Creating one says why it cannot be done.
 */
export function secretAndConfigRoutes(): Route[] {
  return (['secret', 'config'] as const).flatMap((kind): Route[] => [
    {
      method: 'GET',
      path: `/${kind}s`,
      handle: (request) => {
        parseFilters(request.query.get('filters'), FILTERS);
        return { status: 200, body: [] };
      },
    },
    {
      method: 'GET',
      path: `/${kind}s/:id`,
      handle: (request) => {
        throw new NotFoundError(`${kind} ${pathParam(request, 'id')} not found`);
      },
    },
    {
      method: 'POST',
      path: `/${kind}s/create`,
      handle: () => {
        throw new ShoalError(`${kind}s are not supported by Shoal yet`, 501);
      },
    },
  ]);
}
