import type { HealthConfig } from '../../types/swarm';
import type { Path } from '../positions';
import {
  booleanOf,
  durationField,
  isDict,
  numberOf,
  scalarText,
  where,
  type ConvertContext,
} from './context';

const DURATIONS: Array<[string, keyof HealthConfig]> = [
  ['interval', 'Interval'],
  ['timeout', 'Timeout'],
  ['start_period', 'StartPeriod'],
  ['start_interval', 'StartInterval'],
];

/**
 * `healthcheck:` as `ContainerSpec.Healthcheck`: a string test runs in a shell (`CMD-SHELL`), `disable: true`
 * becomes `["NONE"]` and cannot go with a test (docker/cli convertHealthcheck).
 */
export function convertHealthcheck(
  value: unknown,
  path: Path,
  ctx: ConvertContext,
): HealthConfig | undefined {
  if (!isDict(value)) return undefined;
  const test = value.test;
  if (booleanOf(value.disable)) {
    if (test !== undefined && !(Array.isArray(test) && test.length === 0)) {
      ctx.reporter.error(
        [...path, 'disable'],
        `${where(path)}: test and disable cannot be set at the same time`,
      );
      return undefined;
    }
    return { Test: ['NONE'] };
  }
  const health: HealthConfig = {};
  if (typeof test === 'string') health.Test = ['CMD-SHELL', test];
  else if (Array.isArray(test) && test.length > 0) {
    health.Test = test.map(scalarText);
    const kind = health.Test[0];
    if (kind !== 'NONE' && kind !== 'CMD' && kind !== 'CMD-SHELL') {
      ctx.reporter.error(
        [...path, 'test', 0],
        `${where([...path, 'test'])} must start with "CMD", "CMD-SHELL" or "NONE" (a string runs in a shell), got ${JSON.stringify(kind)}`,
      );
    }
  }
  for (const [key, field] of DURATIONS) {
    const nanos = durationField(value, key, path, ctx);
    if (nanos !== undefined) (health as Record<string, unknown>)[field] = nanos;
  }
  const retries = numberOf(value.retries);
  if (retries !== undefined) health.Retries = retries;
  return health;
}
