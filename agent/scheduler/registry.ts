import { InvalidArgumentError } from '../util/errors';
import type { Filter } from './filter';
import { affinityFilter } from './filters/affinity';
import { constraintFilter } from './filters/constraint';
import { hostPortFilter } from './filters/host-port';
import { maxReplicasFilter } from './filters/max-replicas';
import { platformFilter } from './filters/platform';
import { availabilityFilter, readyFilter } from './filters/ready';
import { resourcesFilter } from './filters/resources';
import type { Strategy } from './strategy';
import { binpackStrategy } from './strategies/binpack';
import { randomStrategy } from './strategies/random';
import { spreadStrategy } from './strategies/spread';

/** Swarm mode's pipeline order, with affinities (not in swarm mode) last. */
export const DEFAULT_FILTERS: readonly Filter[] = [
  readyFilter,
  availabilityFilter,
  resourcesFilter,
  constraintFilter,
  platformFilter,
  hostPortFilter,
  maxReplicasFilter,
  affinityFilter,
];

export const DEFAULT_STRATEGIES: readonly Strategy[] = [spreadStrategy, binpackStrategy, randomStrategy];

export const DEFAULT_STRATEGY = 'spread';

/** Other names built-in strategies answer to: classic Swarm accepts `binpacking` for binpack. */
export const DEFAULT_STRATEGY_ALIASES: Readonly<Record<string, string>> = { binpacking: 'binpack' };

/** Filters and strategies by name. The pipeline runs filters in registration order unless told otherwise. */
export class SchedulerRegistry {
  private readonly filtersByName = new Map<string, Filter>();
  private readonly strategiesByName = new Map<string, Strategy>();
  /** Alias → strategy name; aliases and names share one namespace. */
  private readonly strategyAliases = new Map<string, string>();

  registerFilter(filter: Filter): void {
    if (this.filtersByName.has(filter.name)) {
      throw new InvalidArgumentError(`scheduler filter "${filter.name}" is already registered`);
    }
    this.filtersByName.set(filter.name, filter);
  }

  registerStrategy(strategy: Strategy): void {
    if (this.strategiesByName.has(strategy.name) || this.strategyAliases.has(strategy.name)) {
      throw new InvalidArgumentError(`scheduler strategy "${strategy.name}" is already registered`);
    }
    this.strategiesByName.set(strategy.name, strategy);
  }

  /** Lets `alias` name the strategy registered (now or later) as `name`. */
  registerStrategyAlias(alias: string, name: string): void {
    if (this.strategiesByName.has(alias) || this.strategyAliases.has(alias)) {
      throw new InvalidArgumentError(`scheduler strategy "${alias}" is already registered`);
    }
    this.strategyAliases.set(alias, name);
  }

  filter(name: string): Filter | undefined {
    return this.filtersByName.get(name);
  }

  /** The strategy registered as `name`, or the one `name` is an alias of. */
  strategy(name: string): Strategy | undefined {
    return this.strategiesByName.get(this.strategyAliases.get(name) ?? name);
  }

  filterNames(): string[] {
    return [...this.filtersByName.keys()];
  }

  strategyNames(): string[] {
    return [...this.strategiesByName.keys()];
  }

  /** The named filters in that order, or every registered filter in registration order. */
  pipeline(names?: readonly string[]): Filter[] {
    if (names === undefined) return [...this.filtersByName.values()];
    return names.map((name) => {
      const filter = this.filtersByName.get(name);
      if (!filter) {
        throw new InvalidArgumentError(
          `unknown scheduler filter "${name}" (known: ${this.filterNames().join(', ')})`,
        );
      }
      return filter;
    });
  }

  requireStrategy(name: string): Strategy {
    const strategy = this.strategy(name);
    if (!strategy) {
      throw new InvalidArgumentError(
        `unknown scheduler strategy "${name}" (known: ${this.strategyNames().join(', ')})`,
      );
    }
    return strategy;
  }
}

/** A registry holding the built-in filters (in pipeline order) and strategies. */
export function createDefaultRegistry(): SchedulerRegistry {
  const registry = new SchedulerRegistry();
  for (const filter of DEFAULT_FILTERS) registry.registerFilter(filter);
  for (const strategy of DEFAULT_STRATEGIES) registry.registerStrategy(strategy);
  for (const [alias, name] of Object.entries(DEFAULT_STRATEGY_ALIASES))
    registry.registerStrategyAlias(alias, name);
  return registry;
}

/** The process-wide registry `schedule()` uses unless given another. */
export const defaultRegistry = createDefaultRegistry();

export function registerFilter(filter: Filter): void {
  defaultRegistry.registerFilter(filter);
}

export function registerStrategy(strategy: Strategy): void {
  defaultRegistry.registerStrategy(strategy);
}
