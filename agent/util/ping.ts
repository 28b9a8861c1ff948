import * as http from 'node:http';

export interface PingTarget {
  socketPath?: string;
  host?: string;
  port?: number;
}

/** `GET /_ping` against a Docker engine; resolves true on a 200 within the deadline, false otherwise. */
export function pingEngine(target: PingTarget, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request(
      { ...target, path: '/_ping', method: 'GET', timeout: timeoutMs, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Polls until the engine answers, the process it depends on dies, or the deadline passes. */
export async function waitForEngine(
  target: PingTarget,
  deadlineMs: number,
  stillAlive: () => boolean = () => true,
): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await pingEngine(target, 500)) return true;
    if (!stillAlive()) return false;
    await new Promise((r) => setTimeout(r, 40));
  }
  return false;
}
