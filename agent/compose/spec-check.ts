import { validateServiceSpec } from '../orchestrator/spec/validate';
import { validateConstraints } from '../scheduler';
import type { ServiceSpec } from '../types/swarm';
import { ShoalError } from '../util/errors';
import type { Origins } from './convert/context';
import { getField, locateField, refusalMessage, removeField } from './convert/spec-fields';
import type { ComposeReporter } from './diagnostics';
import { formatPath, type Path } from './positions';

/** Enough rounds to report every refused field of one service, and a bound on a spec that keeps failing. */
const MAX_ROUNDS = 32;

/**
 * Runs a converted spec through the agent's own checks (`validateServiceSpec` with the scheduler's
 * constraint parser, as `POST /services/create` does), so the stack API never fails halfway through a
 * deploy on a spec the agent refuses. Each refusal is reported at the compose key the field came from; the
 * field is then left out and the rest checked again, so every refusal is reported, not just the first.
 */
export function checkServiceSpec(
  spec: ServiceSpec,
  origins: Origins,
  servicePath: Path,
  reporter: ComposeReporter,
): void {
  const copy = structuredClone(spec);
  checkConstraintsOneByOne(copy, origins, reporter);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    try {
      validateServiceSpec(copy, { validateConstraints });
      return;
    } catch (error) {
      if (!(error instanceof ShoalError)) throw error;
      const located = locateField(error.message, origins);
      const at = located?.composePath ?? servicePath;
      // A value that already has an error (a failed interpolation, say) is refused as a consequence.
      if (!located || !reporter.hasErrorsUnder(at)) {
        reporter.error(
          at,
          refusalMessage(at, error.message, located, origins),
          at.length <= 2 ? 'key' : 'value',
        );
      }
      if (!located || !removeSpecField(copy, located.known, origins)) return;
    }
  }
}

/** Constraints one at a time, so an error points at the constraint rather than the list. */
function checkConstraintsOneByOne(spec: ServiceSpec, origins: Origins, reporter: ComposeReporter): void {
  const constraints = spec.TaskTemplate.Placement?.Constraints;
  if (!constraints) return;
  for (let i = constraints.length - 1; i >= 0; i--) {
    try {
      validateConstraints([constraints[i] ?? '']);
    } catch (error) {
      if (!(error instanceof ShoalError)) throw error;
      const field = `TaskTemplate.Placement.Constraints[${i}]`;
      const at = origins.get(field) ?? ['services'];
      reporter.error(at, `${formatPath(at)}: ${error.message}`);
      removeSpecField(spec, field, origins);
    }
  }
}

function removeSpecField(spec: ServiceSpec, field: string, origins: Origins): boolean {
  // The name, image and task template cannot be left out: nothing more to learn from this spec.
  if (
    ['Name', 'TaskTemplate', 'TaskTemplate.ContainerSpec', 'TaskTemplate.ContainerSpec.Image'].includes(field)
  ) {
    return false;
  }
  if (getField(spec, field) === undefined) return false;
  if (!removeField(spec, field)) return false;
  const entry = /^(.*)\[(\d+)\]$/.exec(field);
  if (entry) origins.removeListEntry(entry[1] ?? '', Number(entry[2]));
  return true;
}
