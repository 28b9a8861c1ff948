import type { NodeInfo } from '../cluster-state';
import { compareNodeIds, type Strategy } from '../strategy';

/**
 * Every task goes to a uniformly random eligible node. Each node gets the time of its next "arrival"
 * in a Poisson process (exponential gaps); the earliest wins and draws its next time. By
 * memorylessness every pick is uniform over the nodes, and the scheduler's heap stays valid because
 * only the winner's key changes.
 */
export const randomStrategy: Strategy = {
  name: 'random',
  prepare(_task, { random }) {
    const nextArrival = new Map<NodeInfo, number>();
    const gap = (): number => -Math.log(1 - random());
    const arrival = (info: NodeInfo): number => {
      let at = nextArrival.get(info);
      if (at === undefined) {
        at = gap();
        nextArrival.set(info, at);
      }
      return at;
    };
    return {
      compare(a, b) {
        const earlier = arrival(a) - arrival(b);
        return earlier !== 0 ? earlier : compareNodeIds(a, b);
      },
      placed(info) {
        nextArrival.set(info, arrival(info) + gap());
      },
    };
  },
};
