import { WebSocket, type ClientOptions } from 'ws';

/** How a WebSocket handshake ended: opened, or refused with an HTTP status. */
export function connect(
  url: string,
  options: ClientOptions = {},
): Promise<{ socket: WebSocket } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    socket.once('error', reject);
  });
}

export async function open(url: string, options: ClientOptions = {}): Promise<WebSocket> {
  const result = await connect(url, options);
  if (!('socket' in result)) throw new Error(`handshake refused: ${result.status} ${result.body}`);
  return result.socket;
}

/** Collects a client's JSON messages and hands them out in order. */
export class MessageQueue {
  private readonly messages: unknown[] = [];
  private waiters: Array<(m: unknown) => void> = [];

  constructor(socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as unknown;
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.messages.push(message);
    });
  }

  next(timeoutMs = 2000): Promise<unknown> {
    const queued = this.messages.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within the timeout')), timeoutMs);
      this.waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }
}

export function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: '' });
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}
