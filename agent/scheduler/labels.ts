import type { SchedulerNode } from './types';

const NODE_LABELS = 'node.labels.';
const ENGINE_LABELS = 'engine.labels.';

/** Reads one label of a node; a missing label reads as "" (swarm: "the same as an empty value"). */
export type LabelReader = (node: SchedulerNode) => string;

/**
 * The reader for `node.labels.<k>` or `engine.labels.<k>` (prefix case-insensitive, label name
 * exact), or undefined for anything else.
 */
export function labelReader(descriptor: string): LabelReader | undefined {
  const lower = descriptor.toLowerCase();
  if (lower.startsWith(NODE_LABELS) && descriptor.length > NODE_LABELS.length) {
    const name = descriptor.slice(NODE_LABELS.length);
    return (node) => readLabel(node.labels, name);
  }
  if (lower.startsWith(ENGINE_LABELS) && descriptor.length > ENGINE_LABELS.length) {
    const name = descriptor.slice(ENGINE_LABELS.length);
    return (node) => readLabel(node.engineLabels, name);
  }
  return undefined;
}

function readLabel(labels: Readonly<Record<string, string>>, name: string): string {
  // hasOwn: a label named `constructor` must not read Object.prototype.
  return Object.hasOwn(labels, name) ? (labels[name] ?? '') : '';
}
