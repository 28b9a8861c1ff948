/**
 * Placement preferences as swarmkit's decision tree: one level per `spread` preference, one branch per
 * label value (a missing label is the "" branch). Each branch knows how many active tasks of the
 * service it holds, counting nodes that fail the filters too, so earlier placements are balanced
 * against. A batch is split across branches to even out those totals; a branch that cannot take its
 * share is marked full and its share goes to the others.
 *
 * Differences from swarmkit, all in favour of balance and reproducibility: shares are computed by
 * water-filling (branches already above the level take nothing, so the rest is not under-filled),
 * branch totals are updated as tasks land, and branches are visited in label-value order rather
 * than Go's random map order.
 */
import type { NodeInfo } from './cluster-state';
import type { LabelReader } from './labels';

export interface Branch {
  /** Active tasks of the service on every node under this branch. */
  tasks: number;
  /** Sub-branches by label value; undefined at a leaf. */
  readonly children?: Map<string, Branch>;
  /** At a leaf: the nodes that passed the filters. */
  readonly candidates: NodeInfo[];
}

function newBranch(isLeaf: boolean): Branch {
  return isLeaf ? { tasks: 0, candidates: [] } : { tasks: 0, children: new Map(), candidates: [] };
}

/**
 * Builds the tree of one batch. Without levels the root is the only leaf; its candidates go into
 * `reuse` when given (overwritten from the start and truncated), so that the next batch can reuse
 * the array instead of growing a fresh one.
 */
export function buildTree(
  infos: Iterable<NodeInfo>,
  levels: readonly LabelReader[],
  serviceId: string,
  eligible: (info: NodeInfo) => boolean,
  reuse: NodeInfo[] = [],
): Branch {
  if (levels.length > 0) return buildBranches(infos, levels, serviceId, eligible);
  const candidates = reuse;
  let count = 0;
  let tasks = 0;
  for (const info of infos) {
    tasks += info.tasksOf(serviceId);
    if (eligible(info)) candidates[count++] = info;
  }
  candidates.length = count;
  return { tasks, candidates };
}

function buildBranches(
  infos: Iterable<NodeInfo>,
  levels: readonly LabelReader[],
  serviceId: string,
  eligible: (info: NodeInfo) => boolean,
): Branch {
  const root = newBranch(levels.length === 0);
  for (const info of infos) {
    const serviceTasks = info.tasksOf(serviceId);
    let branch = root;
    branch.tasks += serviceTasks;
    for (let level = 0; level < levels.length; level++) {
      const value = (levels[level] as LabelReader)(info.node);
      const children = branch.children as Map<string, Branch>;
      let child = children.get(value);
      if (!child) {
        child = newBranch(level === levels.length - 1);
        children.set(value, child);
      }
      branch = child;
      branch.tasks += serviceTasks;
    }
    if (eligible(info)) branch.candidates.push(info);
  }
  return root;
}

/**
 * How many of `remaining` tasks each branch should get so the totals `counts` end up as even as
 * possible: raise the lowest branches to a common level; the leftover goes one each to the lowest
 * (lowest index among equals). Branches already above the level get nothing.
 */
export function evenShares(counts: readonly number[], remaining: number): number[] {
  const shares = new Array<number>(counts.length).fill(0);
  if (remaining <= 0 || counts.length === 0) return shares;
  const order = counts.map((_, index) => index).sort((a, b) => (counts[a] ?? 0) - (counts[b] ?? 0) || a - b);
  let included = 0;
  let sum = 0;
  for (const index of order) {
    const count = counts[index] ?? 0;
    // Raising the `included` lowest branches up to this one would already use every task.
    if (included > 0 && count * included - sum >= remaining) break;
    included++;
    sum += count;
  }
  const level = Math.floor((remaining + sum) / included);
  const leftover = remaining + sum - level * included;
  for (let rank = 0; rank < included; rank++) {
    const index = order[rank] as number;
    shares[index] = level - (counts[index] ?? 0) + (rank < leftover ? 1 : 0);
  }
  return shares;
}

/** Places up to `n` tasks on a leaf's nodes and returns how many it placed. */
export type LeafPlacer = (leaf: Branch, n: number) => number;

/** Places up to `n` tasks under `branch`, split evenly across its sub-branches; returns how many. */
export function placeOnSubtree(branch: Branch, n: number, placeOnLeaf: LeafPlacer): number {
  if (!branch.children) return placeOnLeaf(branch, n);
  const usable = [...branch.children.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, child]) => child);
  let placed = 0;
  while (placed < n && usable.length > 0) {
    const shares = evenShares(
      usable.map((child) => child.tasks),
      n - placed,
    );
    const full = new Set<Branch>();
    usable.forEach((child, index) => {
      const share = shares[index] ?? 0;
      if (share === 0) return;
      const got = placeOnSubtree(child, share, placeOnLeaf);
      child.tasks += got;
      placed += got;
      if (got < share) full.add(child);
    });
    if (full.size === 0) break;
    for (let index = usable.length - 1; index >= 0; index--) {
      if (full.has(usable[index] as Branch)) usable.splice(index, 1);
    }
  }
  return placed;
}
