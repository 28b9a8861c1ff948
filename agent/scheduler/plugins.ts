import { createRequire } from 'node:module';
import { join } from 'node:path';
import { InvalidArgumentError } from '../util/errors';
import type { Filter } from './filter';
import { defaultRegistry, type SchedulerRegistry } from './registry';
import type { Strategy } from './strategy';

/** What a plugin module exports (directly, or as its default export). */
export interface SchedulerPlugin {
  filters?: readonly Filter[];
  strategies?: readonly Strategy[];
}

export interface LoadPluginsOptions {
  registry?: SchedulerRegistry;
  /** Relative module paths resolve from here (the config file's directory); default: the working directory. */
  baseDir?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isFilter(value: unknown): value is Filter {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.stateful === 'boolean' &&
    typeof value.prepare === 'function' &&
    typeof value.explain === 'function'
  );
}

function isStrategy(value: unknown): value is Strategy {
  return isRecord(value) && typeof value.name === 'string' && typeof value.prepare === 'function';
}

function listOf<T>(
  exported: unknown,
  what: string,
  modulePath: string,
  isItem: (value: unknown) => value is T,
): T[] {
  if (exported === undefined) return [];
  if (!Array.isArray(exported) || !exported.every(isItem)) {
    throw new InvalidArgumentError(
      `scheduler plugin ${JSON.stringify(modulePath)}: "${what}" is not a list of ${what}`,
    );
  }
  return exported;
}

/**
 * Loads user modules named in the config and registers what they export. Each module exports
 * `filters?: Filter[]` and/or `strategies?: Strategy[]`; filters join the end of the default pipeline.
 * Returns the names registered.
 */
export function loadPlugins(
  modulePaths: readonly string[],
  options: LoadPluginsOptions = {},
): { filters: string[]; strategies: string[] } {
  const registry = options.registry ?? defaultRegistry;
  const load = createRequire(join(options.baseDir ?? process.cwd(), 'scheduler-plugins.js'));
  const loaded = { filters: [] as string[], strategies: [] as string[] };
  for (const modulePath of modulePaths) {
    let exported: unknown;
    try {
      exported = load(modulePath);
    } catch (error) {
      throw new InvalidArgumentError(
        `cannot load scheduler plugin ${JSON.stringify(modulePath)}: ${(error as Error).message}`,
      );
    }
    const plugin =
      isRecord(exported) && !('filters' in exported || 'strategies' in exported)
        ? exported.default
        : exported;
    if (!isRecord(plugin)) {
      throw new InvalidArgumentError(
        `scheduler plugin ${JSON.stringify(modulePath)} exports no filters or strategies`,
      );
    }
    const filters = listOf(plugin.filters, 'filters', modulePath, isFilter);
    const strategies = listOf(plugin.strategies, 'strategies', modulePath, isStrategy);
    if (filters.length === 0 && strategies.length === 0) {
      throw new InvalidArgumentError(
        `scheduler plugin ${JSON.stringify(modulePath)} exports no filters or strategies`,
      );
    }
    // Refuse the whole module before registering any of it, so a failed load leaves no half.
    const filterNames = filters.map((filter) => filter.name);
    const strategyNames = strategies.map((strategy) => strategy.name);
    const clash =
      filterNames.find((name, index) => registry.filter(name) || filterNames.indexOf(name) !== index) ??
      strategyNames.find((name, index) => registry.strategy(name) || strategyNames.indexOf(name) !== index);
    if (clash !== undefined) {
      throw new InvalidArgumentError(
        `scheduler plugin ${JSON.stringify(modulePath)}: "${clash}" is already registered`,
      );
    }
    for (const filter of filters) {
      registry.registerFilter(filter);
      loaded.filters.push(filter.name);
    }
    for (const strategy of strategies) {
      registry.registerStrategy(strategy);
      loaded.strategies.push(strategy.name);
    }
  }
  return loaded;
}
