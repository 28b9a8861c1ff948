import { hostPortKey } from '../cluster-state';
import { nodeCount, type Filter } from '../filter';

/** A host-mode published port+protocol can be held by one task per node. */
export const hostPortFilter: Filter = {
  name: 'host-port',
  stateful: true,
  prepare(task) {
    if (task.hostPorts.length === 0) return undefined;
    const keys = task.hostPorts.map(hostPortKey);
    return (info) => keys.every((key) => !info.hostPortsInUse.has(key));
  },
  explain: (nodes) => `host-mode port already in use on ${nodeCount(nodes)}`,
};
