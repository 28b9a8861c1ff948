import { compareNames } from '../views/format';

/** The part of VS Code's Memento (workspaceState) this needs, so it can be tested without VS Code. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const KEY = 'shoal.stacks.deployedFiles';
/** Bounded: the oldest entries go first. */
const MAX_ENTRIES = 200;

/**
 * Which stack each compose file was last deployed as, per workspace, so "Update Stack from File" needs no
 * question the second time.
 */
export class StackMemory {
  constructor(private readonly state: StateStore) {}

  stackOf(file: string): string | undefined {
    const value = this.entries()[file];
    return typeof value === 'string' ? value : undefined;
  }

  async remember(file: string, stack: string): Promise<void> {
    const entries = this.entries();
    delete entries[file];
    entries[file] = stack;
    const keys = Object.keys(entries);
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete entries[old];
    await this.state.update(KEY, entries);
  }

  private entries(): Record<string, string> {
    const value = this.state.get<unknown>(KEY);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const out: Record<string, string> = {};
    for (const [file, stack] of Object.entries(value)) if (typeof stack === 'string') out[file] = stack;
    return out;
  }
}

/** The existing stacks to offer for a file: the one named like its folder first, the rest by name. */
export function orderStackChoices(stacks: readonly string[], preferred: string): string[] {
  const rest = stacks.filter((s) => s !== preferred).sort(compareNames);
  return stacks.includes(preferred) ? [preferred, ...rest] : rest;
}
