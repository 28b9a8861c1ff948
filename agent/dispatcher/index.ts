/**
 * The dispatcher: owns each assigned task's observed state, per node. It drives the executor from `assigned` to
 * `running` (and to `shutdown` or removal when desired), reads container state back from engine events, and
 * adopts its own containers after a restart.
 */
export {
  createDispatcher,
  DEFAULT_DISPATCHER_CONCURRENCY,
  DEFAULT_RELIST_MS,
  type Dispatcher,
  type DispatcherOptions,
  type ForeignContainerListener,
} from './dispatcher';
export {
  planRelist,
  isSettled,
  type ForeignContainer,
  type ForeignReason,
  type RelistPlan,
} from './adoption';
export { readEngineEvent, type EventVerdict } from './observer';
export {
  nextStatus,
  writeTaskStatus,
  deleteTaskRecord,
  type StatusReport,
  type WriteResult,
} from './status-writer';
export { WorkQueue, type WorkOutcome } from './work-queue';
