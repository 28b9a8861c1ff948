import { nodeCount, type Filter } from '../filter';

/** The node's engine is up (swarm mode's READY); reported apart from availability so users see which. */
export const readyFilter: Filter = {
  name: 'ready',
  stateful: false,
  prepare: () => (info) => info.node.state === 'ready',
  explain: (nodes) => `${nodeCount(nodes)} not ready`,
};

/** The node takes new tasks: availability `active`, not `pause` or `drain`. */
export const availabilityFilter: Filter = {
  name: 'availability',
  stateful: false,
  prepare: () => (info) => info.node.availability === 'active',
  explain: (nodes) => `${nodeCount(nodes)} not available for new tasks`,
};
