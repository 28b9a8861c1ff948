/**
 * The executor: turns a task into a container on one engine, and a container back into a task status
 * (what swarmkit's agent/exec/dockerapi and moby's daemon/cluster/executor/container do).
 */
export {
  containerConfig,
  stopTimeoutSeconds,
  DEFAULT_STOP_GRACE_SECONDS,
  type ContainerConfig,
  type ContainerConfigInput,
  type ContainerCreateBody,
  type NetworkConnection,
} from './container-config';
export { EngineRequestError } from './engine-request';
export { ensureImage, hasImage, type EnsureImageOptions, type ImageSource } from './images';
export { LABEL, parseTaskLabels, taskLabels, type TaskLabels } from './labels';
export { type LogLine, type LogStream } from './log-lines';
export { containerLogs, type ContainerLogsOptions } from './logs';
export { NETWORK_ID_LABEL, nodeNetworkName } from './node-network-name';
export { ensureNodeNetwork, removeNodeNetworkIfUnused, type NodeNetwork } from './node-networks';
export {
  createAndStart,
  inspectStatus,
  listTaskContainers,
  remove,
  stop,
  type StartedContainer,
  type TaskContainer,
} from './runtime';
export { exitErr, taskStateOf, UNHEALTHY_ERR, type ContainerStateView, type ObservedStatus } from './status';
