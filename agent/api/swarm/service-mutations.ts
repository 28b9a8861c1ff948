import { OutOfSequenceError, type Store } from '../../store/store';
import type { ObjectVersion, Service, ServiceSpec, UpdateConfig, UpdateStatus } from '../../types/swarm';
import { ConflictError, InvalidArgumentError } from '../../util/errors';
import { DEFAULT_UPDATE_CONFIG, normalizedMode } from '../../orchestrator/spec/defaults';
import { newID, specVersionOf } from '../../orchestrator/task-model';
import {
  validateServiceSpec,
  validateServiceUpdate,
  type SpecPolicy,
} from '../../orchestrator/spec/validate';
import { endpointOf, sameName, withNetworkIDs } from './service-records';
import { resolveService, servicesOf, tasksOf } from './resolve';

/**
 * What the service routes write. The orchestrator reacts to these records: routes never talk to engines.
 * Each function is one store transaction, so a refused request stores nothing.
 */

/** swarmkit's wording, which the docker CLI shows as is. */
export const NAME_CONFLICT = 'rpc error: code = AlreadyExists desc = name conflicts with an existing object';

export function createService(store: Store, body: unknown, policy: SpecPolicy): Service {
  const validated = validateServiceSpec(body, policy);
  return store.transaction(() => {
    const services = servicesOf(store);
    if (services.list().some((s) => sameName(s.Spec.Name, validated.Name))) {
      throw new ConflictError(NAME_CONFLICT);
    }
    const spec = storedSpec(store, validated);
    return services.create({
      ID: newID(),
      Spec: spec,
      Endpoint: endpointOf(spec),
      SpecVersion: { Index: 1 },
    });
  });
}

/** A new spec for the service, if `version` is the one the client read. */
export function updateService(
  store: Store,
  reference: string,
  version: number,
  body: unknown,
  policy: SpecPolicy,
): Service {
  const validated = validateServiceSpec(body, policy);
  return store.transaction(() => {
    const current = currentService(store, reference, version);
    validateServiceUpdate(current.Spec, validated);
    const spec = storedSpec(store, validated);
    const next: Service = {
      ...current,
      Spec: spec,
      PreviousSpec: current.Spec,
      Endpoint: endpointOf(spec),
      SpecVersion: newSpecVersion(current),
      PreviousSpecVersion: current.SpecVersion ?? { Index: specVersionOf(current) },
    };
    // The updater sets `updating` when it starts rolling the new spec out.
    delete next.UpdateStatus;
    return servicesOf(store).update(next, version);
  });
}

/**
 * `docker service rollback`: the previous spec and its version become current, and the current ones previous
 * (swarmkit's controlapi). Tasks still at the previous spec are then up to date and are left running.
 */
export function rollbackService(store: Store, reference: string, version: number, now = new Date()): Service {
  return store.transaction(() => {
    const current = currentService(store, reference, version);
    if (current.PreviousSpec === undefined) {
      throw new InvalidArgumentError(`service ${current.ID} does not have a previous spec`);
    }
    const updateStatus: UpdateStatus = {
      State: 'rollback_started',
      StartedAt: now.toISOString(),
      Message: 'manually requested rollback',
    };
    const next: Service = {
      ...current,
      Spec: current.PreviousSpec,
      PreviousSpec: current.Spec,
      Endpoint: endpointOf(current.PreviousSpec),
      SpecVersion: current.PreviousSpecVersion ?? newSpecVersion(current),
      PreviousSpecVersion: current.SpecVersion ?? { Index: specVersionOf(current) },
      UpdateStatus: updateStatus,
    };
    return servicesOf(store).update(next, version);
  });
}

/** Deletes the service and marks its tasks for removal; the dispatcher removes their containers and records. */
export function removeService(store: Store, reference: string): Service {
  return store.transaction(() => {
    const service = resolveService(store, reference);
    servicesOf(store).delete(service.ID);
    const tasks = tasksOf(store);
    for (const task of tasks.list()) {
      if (task.ServiceID !== service.ID || task.DesiredState === 'remove') continue;
      tasks.update({ ...task, DesiredState: 'remove' }, task.Version.Index);
    }
    return service;
  });
}

/** The spec as stored: network targets as IDs, and {@link normalizedSpec}. */
function storedSpec(store: Store, validated: ServiceSpec): ServiceSpec {
  return normalizedSpec(withNetworkIDs(store, structuredClone(validated)));
}

/**
 * What the Engine's conversion to swarmkit spells out: the mode always (a missing mode is 1 replica; the CLI's
 * `scale` and progress poll need `Mode` set), and an empty update or rollback `FailureAction` / `Order` as the
 * default it stands for. Stack plans compare specs in this form (see agent/stacks/plan.ts).
 */
export function normalizedSpec(spec: ServiceSpec): ServiceSpec {
  const normalized: ServiceSpec = { ...spec, Mode: normalizedMode(spec) };
  if (spec.UpdateConfig) normalized.UpdateConfig = withExplicitDefaults(spec.UpdateConfig);
  if (spec.RollbackConfig) normalized.RollbackConfig = withExplicitDefaults(spec.RollbackConfig);
  return normalized;
}

/** The schema lets `""` through for these two; the types leave it out, since nothing past here sees it. */
function withExplicitDefaults(config: UpdateConfig): UpdateConfig {
  const explicit = { ...config };
  const raw = config as { FailureAction?: string; Order?: string };
  if (raw.FailureAction === '') explicit.FailureAction = DEFAULT_UPDATE_CONFIG.FailureAction;
  if (raw.Order === '') explicit.Order = DEFAULT_UPDATE_CONFIG.Order;
  return explicit;
}

function currentService(store: Store, reference: string, version: number): Service {
  const current = resolveService(store, reference);
  if (current.Version.Index !== version) throw new OutOfSequenceError();
  return current;
}

/**
 * A spec version no earlier spec of this service had. The service's own version index only grows, and every
 * spec version handed out before is at most the version index the service had just after: so one past the
 * current one is new, even after rollbacks brought an old version back (a plain +1 would not be).
 */
function newSpecVersion(service: Service): ObjectVersion {
  return { Index: service.Version.Index + 1 };
}
