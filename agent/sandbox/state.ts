import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxLayout } from './layout';

/** What `up` wrote to disk: enough for `status` and for `down` to undo everything, even a half-done `up`. */
export interface SandboxState {
  version: 1;
  layout: SandboxLayout;
  tcp: boolean;
  /** `starting` until every node answered and the images are in; `up` after. */
  phase: 'starting' | 'up';
  startedAt: string;
  /** dockerd PID per node name, recorded as soon as each is spawned. */
  pids: Record<string, number>;
}

export function stateFile(sandboxDir: string): string {
  return path.join(sandboxDir, 'state.json');
}

export function readState(sandboxDir: string): SandboxState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(stateFile(sandboxDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as SandboxState;
  } catch {
    throw new Error(
      `${stateFile(sandboxDir)} is not valid JSON; remove it after checking nothing is running`,
    );
  }
}

/** Written atomically (temp file + rename) so a crash never leaves half a state file. */
export function writeState(sandboxDir: string, state: SandboxState): void {
  fs.mkdirSync(sandboxDir, { recursive: true, mode: 0o700 });
  const file = stateFile(sandboxDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function removeState(sandboxDir: string): void {
  fs.rmSync(stateFile(sandboxDir), { force: true });
}
