import type { SwarmNode } from '../types/swarm';
import { InvalidArgumentError, NotFoundError } from '../util/errors';

/**
 * Docker's rule for `{id}` path parameters (moby daemon/cluster/helpers.go `getNode`): a full ID, then an
 * exact name (Spec.Name or Description.Hostname), then an ID prefix. More than one match is ambiguous.
 */
export function resolveNode<T extends SwarmNode>(nodes: readonly T[], reference: string): T {
  if (typeof reference !== 'string' || reference === '') throw new NotFoundError('node "" not found');
  const byId = nodes.find((n) => n.ID === reference);
  if (byId) return byId;
  let matches = nodes.filter((n) => n.Spec.Name === reference || n.Description.Hostname === reference);
  if (matches.length === 0) matches = nodes.filter((n) => n.ID.startsWith(reference));
  const [first, ...rest] = matches;
  if (!first) throw new NotFoundError(`node ${reference} not found`);
  if (rest.length > 0) {
    const listing = matches.map((n) => `${n.ID} (${n.Description.Hostname})`).join(', ');
    throw new InvalidArgumentError(
      `node ${reference} is ambiguous (${matches.length} matches found: ${listing})`,
    );
  }
  return first;
}
