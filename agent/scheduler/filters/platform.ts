import { nodeCount, type Filter } from '../filter';
import type { PlatformRequirement } from '../types';

const ARCH_ALIASES: Readonly<Record<string, string>> = { x86_64: 'amd64', aarch64: 'arm64' };

/** Lower-cases and maps kernel names to Go's (`x86_64` → `amd64`, `aarch64` → `arm64`). */
export function normalizeArch(arch: string): string {
  const lower = arch.toLowerCase();
  return ARCH_ALIASES[lower] ?? lower;
}

function supports(required: PlatformRequirement, os: string, arch: string): boolean {
  return (
    (!required.os || required.os.toLowerCase() === os) &&
    (!required.arch || normalizeArch(required.arch) === arch)
  );
}

/** The node's os/arch is one the task's image supports; tasks that list no platforms run anywhere. */
export const platformFilter: Filter = {
  name: 'platform',
  stateful: false,
  prepare(task) {
    const platforms = task.platforms;
    if (!platforms || platforms.length === 0) return undefined;
    return (info) => {
      const os = info.node.platform.os.toLowerCase();
      const arch = normalizeArch(info.node.platform.arch);
      return platforms.some((required) => supports(required, os, arch));
    };
  },
  explain: (nodes) => `unsupported platform on ${nodeCount(nodes)}`,
};
