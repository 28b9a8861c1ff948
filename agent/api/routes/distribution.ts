import { ShoalError } from '../../util/errors';
import type { Route } from '../dispatcher';

/**
 * `GET /distribution/{name}/json`, which `docker service create/update` call to pin an image's digest. The
 * agent reaches no registry itself (each engine pulls), so it says so; the CLI then only warns and goes on.
 */
export function distributionRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: '/distribution/:name+/json',
      handle: () => {
        throw new ShoalError('no registry is reachable from Shoal: use --no-resolve-image', 501);
      },
    },
  ];
}
