import { MAX_RECENT_FAILURES, type NodeInfo } from '../cluster-state';
import { compareNodeIds, type Strategy } from '../strategy';

/**
 * Swarm mode's nodeLess: nodes where this service+version failed MAX_RECENT_FAILURES or more times in
 * the failure window go last (fewer failures first among them); then fewer active tasks of this
 * service; then fewer active tasks in total; then node ID.
 */
export const spreadStrategy: Strategy = {
  name: 'spread',
  prepare(task, { cluster, now }) {
    const { serviceId, specVersion } = task;
    // Failures do not change while a batch is placed: find the penalised nodes once.
    const penalties = new Map<NodeInfo, number>();
    for (const info of cluster.nodeInfos()) {
      const failures = info.recentFailures(serviceId, specVersion, now);
      if (failures >= MAX_RECENT_FAILURES) penalties.set(info, failures);
    }
    return {
      compare(a, b) {
        if (penalties.size > 0) {
          const failures = (penalties.get(a) ?? 0) - (penalties.get(b) ?? 0);
          if (failures !== 0) return failures;
        }
        const ofService = a.tasksOf(serviceId) - b.tasksOf(serviceId);
        if (ofService !== 0) return ofService;
        const total = a.activeTasks - b.activeTasks;
        if (total !== 0) return total;
        return compareNodeIds(a, b);
      },
    };
  },
};
