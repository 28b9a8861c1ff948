import { nodeCount, type Filter } from '../filter';

/** Reservations must fit what the node has left; tasks assigned but not yet running count as reserved. */
export const resourcesFilter: Filter = {
  name: 'resources',
  stateful: true,
  prepare(task) {
    const { nanoCPUs, memoryBytes } = task.reservations;
    if (nanoCPUs <= 0 && memoryBytes <= 0) return undefined;
    return (info) =>
      (nanoCPUs <= 0 || info.reserved.nanoCPUs + nanoCPUs <= info.node.resources.nanoCPUs) &&
      (memoryBytes <= 0 || info.reserved.memoryBytes + memoryBytes <= info.node.resources.memoryBytes);
  },
  explain: (nodes) => `insufficient resources on ${nodeCount(nodes)}`,
};
