import type { NodeInfo } from './cluster-state';

/**
 * A binary min-heap of candidate nodes under a strategy's comparator. Only the top node ever
 * receives a task, so only the top is re-ranked (sift down) or dropped: O(log n) per placement
 * instead of a rescan.
 */
export class NodeHeap {
  private readonly items: NodeInfo[];

  /** Takes ownership of `items`; building is O(n). */
  constructor(
    items: NodeInfo[],
    private readonly compare: (a: NodeInfo, b: NodeInfo) => number,
  ) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  get size(): number {
    return this.items.length;
  }

  get top(): NodeInfo | undefined {
    return this.items[0];
  }

  /** The top node's rank changed (it received a task): move it to its place. */
  updateTop(): void {
    this.siftDown(0);
  }

  /** The top node cannot take more tasks. */
  removeTop(): void {
    const last = this.items.pop();
    if (last !== undefined && this.items.length > 0) {
      this.items[0] = last;
      this.siftDown(0);
    }
  }

  private siftDown(start: number): void {
    const items = this.items;
    const length = items.length;
    const moving = items[start];
    if (moving === undefined) return;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      let childItem = items[left] as NodeInfo;
      if (right < length) {
        const rightItem = items[right] as NodeInfo;
        if (this.compare(rightItem, childItem) < 0) {
          child = right;
          childItem = rightItem;
        }
      }
      if (this.compare(childItem, moving) >= 0) break;
      items[index] = childItem;
      index = child;
    }
    items[index] = moving;
  }
}
