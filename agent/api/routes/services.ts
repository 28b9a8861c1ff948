import type { SpecPolicy } from '../../orchestrator/spec/validate';
import { validateConstraints } from '../../scheduler';
import { TaskIndex } from '../../store/task-index';
import type { Service } from '../../types/swarm';
import { parseBoolParam, parseVersionParam } from '../bodies';
import type { RouteContext } from '../context';
import { pathParam, type Route } from '../dispatcher';
import { parseFilters } from '../filters';
import { createService, removeService, rollbackService, updateService } from '../swarm/service-mutations';
import { resolveService, servicesOf } from '../swarm/resolve';
import { SERVICE_FILTERS, serviceFilter, serviceStatus, withInsertedDefaults } from '../swarm/service-view';

/** Docker's service endpoints: create, list, inspect, update (and rollback), remove. */
export function serviceRoutes({ store }: RouteContext): Route[] {
  const policy: SpecPolicy = { validateConstraints };
  return [
    {
      method: 'POST',
      path: '/services/create',
      handle: (request) => {
        const service = createService(store, request.body, policy);
        return { status: 201, body: { ID: service.ID, Warnings: [] } };
      },
    },
    {
      method: 'GET',
      path: '/services',
      handle: (request) => {
        const matches = serviceFilter(parseFilters(request.query.get('filters'), SERVICE_FILTERS));
        const services = servicesOf(store).list().filter(matches);
        if (!parseBoolParam(request.query, 'status')) return { status: 200, body: services };
        const tasks = TaskIndex.of(store);
        const withStatus = services.map((s): Service => ({
          ...s,
          ServiceStatus: serviceStatus(s, tasks.byService(s.ID)),
        }));
        return { status: 200, body: withStatus };
      },
    },
    {
      method: 'GET',
      path: '/services/:id',
      handle: (request) => {
        const service = resolveService(store, pathParam(request, 'id'));
        const body = parseBoolParam(request.query, 'insertDefaults')
          ? withInsertedDefaults(service)
          : service;
        return { status: 200, body };
      },
    },
    {
      method: 'POST',
      path: '/services/:id/update',
      handle: (request) => {
        const reference = pathParam(request, 'id');
        const version = parseVersionParam(request.query, 'service');
        // The CLI sends the current spec along with rollback=previous; swarmkit ignores it, and so do we.
        if (request.query.get('rollback') === 'previous') rollbackService(store, reference, version);
        else updateService(store, reference, version, request.body, policy);
        return { status: 200, body: { Warnings: [] } };
      },
    },
    {
      method: 'DELETE',
      path: '/services/:id',
      handle: (request) => {
        removeService(store, pathParam(request, 'id'));
        return { status: 200 };
      },
    },
  ];
}
