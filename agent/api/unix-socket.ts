import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** sun_path is 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Listens on a unix socket that is never reachable by other users, even for an instant: the server binds
 * inside a fresh 0700 directory, the socket is chmod-ed to 0600 there, then hard-linked into place (link,
 * unlike rename, fails instead of replacing a socket another agent bound meanwhile).
 * A socket file left by a dead agent is removed first; a live one makes this fail.
 * Returns a function that removes the socket file on shutdown if it is still this server's.
 */
export async function listenOnUnixSocket(server: net.Server, socketPath: string): Promise<() => void> {
  const target = path.resolve(socketPath);
  if (Buffer.byteLength(target) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`socket path ${target} is longer than ${MAX_SOCKET_PATH_BYTES} bytes`);
  }
  await removeStaleSocket(target);
  const privateDir = fs.mkdtempSync(path.join(path.dirname(target), '.shoal-api-'));
  const bindPath = path.join(privateDir, 's');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(bindPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    fs.chmodSync(bindPath, 0o600);
    fs.linkSync(bindPath, target);
    fs.unlinkSync(bindPath);
  } catch (error) {
    server.close();
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`${target} appeared while starting: is another agent starting?`, { cause: error });
    }
    throw error;
  } finally {
    fs.rmSync(privateDir, { recursive: true, force: true });
  }
  const bound = fs.lstatSync(target);
  if (!bound.isSocket() || (bound.mode & 0o777) !== 0o600) {
    server.close();
    throw new Error(`${target} is not a 0600 socket after binding`);
  }
  return () => {
    try {
      const current = fs.lstatSync(target);
      if (current.dev === bound.dev && current.ino === bound.ino) fs.unlinkSync(target);
    } catch {
      // Already gone.
    }
  };
}

async function removeStaleSocket(target: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!stat.isSocket()) throw new Error(`${target} exists and is not a socket; refusing to replace it`);
  if (await socketAnswers(target)) {
    throw new Error(`another process is listening on ${target}: is an agent already running?`);
  }
  fs.unlinkSync(target);
}

/** True when something accepts connections on the socket; false when nothing listens (stale file). */
function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(true); // Something holds it but does not accept promptly: still not ours to delete.
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve(false);
      else reject(error);
    });
  });
}
