import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { OutOfSequenceError, type Collection, type Store } from '../store/store';
import type { StoredNode } from './types';

export const NODES_COLLECTION = 'nodes';

export function nodeCollection(store: Store): Collection<StoredNode> {
  return store.collection<StoredNode>(NODES_COLLECTION);
}

/** A node ID as swarmkit makes them: 128 random bits in base 36, 25 lowercase alphanumerics. */
export function newNodeId(): string {
  return BigInt(`0x${randomBytes(16).toString('hex')}`)
    .toString(36)
    .padStart(25, '0');
}

const PATCH_ATTEMPTS = 5;

/**
 * Read-modify-write of one node for the agent's own bookkeeping (status, description). `change` returns the
 * new node, or the same one for "nothing to do"; an unchanged node is not written. A concurrent write
 * (version moved) is retried on the fresh node. Returns the node as stored, or undefined if it is gone.
 */
export function patchNode(
  nodes: Collection<StoredNode>,
  id: string,
  change: (node: StoredNode) => StoredNode,
): StoredNode | undefined {
  for (let attempt = 1; ; attempt++) {
    const current = nodes.get(id);
    if (!current) return undefined;
    const next = change(structuredClone(current));
    if (isDeepStrictEqual(next, current)) return current;
    try {
      return nodes.update(next, current.Version.Index);
    } catch (error) {
      if (!(error instanceof OutOfSequenceError) || attempt >= PATCH_ATTEMPTS) throw error;
    }
  }
}
