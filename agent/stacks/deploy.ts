import { parseNetworkCreate } from '../api/swarm/network-body';
import { createNetwork } from '../api/swarm/networks';
import { networksOf, resolveReference } from '../api/swarm/resolve';
import { createService, removeService, updateService } from '../api/swarm/service-mutations';
import { STACK_NAMESPACE_LABEL, type ConvertedStack } from '../compose/types';
import { validateServiceSpec, validateServiceUpdate, type SpecPolicy } from '../orchestrator/spec/validate';
import type { Store } from '../store/store';
import type { NetworkSpec } from '../types/swarm';
import { InvalidArgumentError, NotFoundError, ShoalError } from '../util/errors';
import { stackChanges, type NetworkStep, type PlanOptions, type ServiceStep } from './plan';
import type { StackDeployResult } from './types';

/**
 * Deploys a converted stack: checks everything first, then creates the stack's missing networks, creates the
 * new services, updates the changed ones and (with prune) removes the ones no longer in the file, through the
 * same functions the Docker routes use. An updated service keeps its ID and version history, and the
 * orchestrator rolls it out with the service's own UpdateConfig; an unchanged one is not written at all, so its
 * tasks and containers stay as they are.
 *
 * All of it is one store transaction: if any step fails nothing is written, and the error names the step.
 */
export function deployStack(
  store: Store,
  stack: ConvertedStack,
  policy: SpecPolicy,
  options: PlanOptions = {},
): StackDeployResult {
  return store.transaction(() => {
    const changes = stackChanges(store, stack, options);
    const networkSpecs = checkNetworks(changes.networks, stack.name);
    checkServices(store, changes.services, changes.networks, policy);

    const serviceIds: Record<string, string> = {};
    for (const step of changes.networks) {
      const spec = networkSpecs.get(step.network.key);
      if (spec) attempt(`create network ${step.network.name}`, () => createNetwork(store, spec));
    }
    for (const step of changes.services) {
      const { planned, spec, current } = step;
      if (planned.action === 'create' && spec) {
        const created = attempt(`create service ${planned.name}`, () => createService(store, spec, policy));
        serviceIds[planned.name] = created.ID;
      } else if (planned.action === 'update' && spec && current) {
        attempt(`update service ${planned.name}`, () =>
          updateService(store, current.ID, current.Version.Index, spec, policy),
        );
        serviceIds[planned.name] = current.ID;
      }
    }
    for (const step of changes.services) {
      if (step.planned.action === 'remove' && step.current) {
        const id = step.current.ID;
        attempt(`remove service ${step.planned.name}`, () => removeService(store, id));
      }
    }
    return { ...changes.plan, serviceIds };
  });
}

/** The create bodies of the networks to create, parsed as `POST /networks/create` parses them. */
function checkNetworks(steps: readonly NetworkStep[], stack: string): Map<string, NetworkSpec> {
  const specs = new Map<string, NetworkSpec>();
  for (const { planned, network } of steps) {
    if (planned.action !== 'create') continue;
    const body = { ...network.spec, Labels: { ...network.spec.Labels, [STACK_NAMESPACE_LABEL]: stack } };
    specs.set(
      network.key,
      within(`network ${network.name}`, () => parseNetworkCreate(body)),
    );
  }
  return specs;
}

/**
 * Each spec as the service routes check it, the Swarm rules for an update (no mode change), and every network
 * a service attaches to either existing or created by this deploy.
 */
function checkServices(
  store: Store,
  steps: readonly ServiceStep[],
  networkSteps: readonly NetworkStep[],
  policy: SpecPolicy,
): void {
  const existing = networksOf(store).list();
  const created = new Set(
    networkSteps.filter((n) => n.planned.action === 'create').map((n) => n.network.name),
  );
  for (const { planned, spec, current } of steps) {
    if (!spec) continue;
    const where = `service ${planned.name}`;
    const validated = within(where, () => validateServiceSpec(structuredClone(spec), policy));
    if (current) {
      within(where, () => {
        try {
          validateServiceUpdate(current.Spec, validated);
        } catch (error) {
          if (!(error instanceof ShoalError)) throw error;
          throw new InvalidArgumentError(
            `${error.message}: remove the service first (docker service rm ${planned.name})`,
          );
        }
      });
    }
    (validated.TaskTemplate.Networks ?? []).forEach((attachment, i) => {
      if (created.has(attachment.Target)) return;
      within(where, () => {
        try {
          resolveReference('network', existing, attachment.Target, (n) => n.Spec.Name);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          throw new NotFoundError(
            `TaskTemplate.Networks[${i}]: network ${attachment.Target} is neither in the stack nor in the cluster`,
          );
        }
      });
    });
  }
}

/** Runs a check; its error names the object it is about. */
function within<R>(what: string, check: () => R): R {
  try {
    return check();
  } catch (error) {
    throw prefixed(error, `${what}: `);
  }
}

/** Runs one step of the deploy; its error says which step failed and that nothing was applied. */
function attempt<R>(step: string, run: () => R): R {
  try {
    return run();
  } catch (error) {
    const failed = prefixed(error, `failed to ${step}: `);
    failed.message += ' (nothing was applied: the stack is as it was)';
    throw failed;
  }
}

function prefixed(error: unknown, prefix: string): Error {
  if (error instanceof ShoalError) return new ShoalError(`${prefix}${error.message}`, error.status);
  const wrapped = new Error(`${prefix}${error instanceof Error ? error.message : String(error)}`);
  wrapped.cause = error;
  return wrapped;
}
