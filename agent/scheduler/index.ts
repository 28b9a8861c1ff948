/** The scheduler's public surface: pure placement logic over its own view of nodes and tasks. */
export type {
  HostPort,
  PendingTask,
  PlatformRequirement,
  PortProtocol,
  Resources,
  SchedulerNode,
  SchedulerNodeAvailability,
  SchedulerNodeRole,
  SchedulerNodeState,
  SpreadPreference,
  TaskAssignment,
  TaskRequest,
} from './types';
export { ClusterState, FAILURE_WINDOW_MS, MAX_RECENT_FAILURES, type NodeInfo } from './cluster-state';
export { parseExpression, type Expression, type ExpressionKind, type ExpressionOperator } from './expression';
export { nodeCount, type Filter, type FilterContext, type NodeCheck } from './filter';
export { compareNodeIds, type NodeRanking, type Strategy, type StrategyContext } from './strategy';
export { validateConstraints } from './filters/constraint';
export { validateAffinities } from './filters/affinity';
export { validatePreferences } from './preferences';
export {
  createDefaultRegistry,
  DEFAULT_FILTERS,
  DEFAULT_STRATEGIES,
  DEFAULT_STRATEGY,
  DEFAULT_STRATEGY_ALIASES,
  defaultRegistry,
  registerFilter,
  registerStrategy,
  SchedulerRegistry,
} from './registry';
export { loadPlugins, type LoadPluginsOptions, type SchedulerPlugin } from './plugins';
export { schedule, type ScheduleOptions, type ScheduleResult } from './scheduler';
export type { Assignments } from './assignments';
