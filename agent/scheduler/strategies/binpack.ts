import type { NodeInfo } from '../cluster-state';
import { compareNodeIds, type Strategy } from '../strategy';

function share(used: number, total: number): number {
  return total > 0 ? used / total : 0;
}

/**
 * Fill the fullest node first. Fullness is classic Swarm's: the reserved share of CPU plus the
 * reserved share of memory once this task is added. Ties go to the node with more active tasks
 * (classic binpack's reversed tie-break), then to the lower node ID. Tasks that reserve nothing
 * therefore stack on one node until another filter (ports, max replicas) moves them on.
 */
export const binpackStrategy: Strategy = {
  name: 'binpack',
  prepare(task) {
    const { nanoCPUs, memoryBytes } = task.reservations;
    const fullness = (info: NodeInfo): number =>
      share(info.reserved.nanoCPUs + nanoCPUs, info.node.resources.nanoCPUs) +
      share(info.reserved.memoryBytes + memoryBytes, info.node.resources.memoryBytes);
    return {
      compare(a, b) {
        const fuller = fullness(b) - fullness(a);
        if (fuller !== 0) return fuller;
        const busier = b.activeTasks - a.activeTasks;
        if (busier !== 0) return busier;
        return compareNodeIds(a, b);
      },
    };
  },
};
