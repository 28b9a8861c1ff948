import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * A pid file beside the store, naming the agent that holds it. The lock itself is SQLite's; this file
 * only lets a second agent say who holds it, since a locked database cannot be read. Best effort:
 * a stale file after a crash is harmless because it is only read when the lock is actually taken.
 */
function pidFile(store: string): string {
  return `${store}.pid`;
}

export function recordOwner(store: string): void {
  try {
    writeFileSync(pidFile(store), `${process.pid}\n`, { mode: 0o600 });
  } catch {
    // Only the in-use message would lack the pid.
  }
}

export function readOwner(store: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile(store), 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function forgetOwner(store: string): void {
  if (readOwner(store) !== process.pid) return;
  try {
    unlinkSync(pidFile(store));
  } catch {
    // Already gone.
  }
}
