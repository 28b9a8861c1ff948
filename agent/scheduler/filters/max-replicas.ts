import { nodeCount, type Filter } from '../filter';

/** At most `maxReplicasPerNode` active tasks of the service per node (0: no limit). */
export const maxReplicasFilter: Filter = {
  name: 'max-replicas',
  stateful: true,
  prepare(task) {
    const limit = task.maxReplicasPerNode;
    if (!(limit > 0)) return undefined;
    const serviceId = task.serviceId;
    return (info) => info.tasksOf(serviceId) < limit;
  },
  explain: (nodes) => `max replicas per node limit exceeded on ${nodeCount(nodes)}`,
};
