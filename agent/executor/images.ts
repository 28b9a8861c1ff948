import type { EngineClient } from '../cluster/types';
import { NotFoundError } from '../util/errors';
import { asShoalError, engineJson, engineStatusOf, engineStream } from './engine-request';

/** A pull that cannot reach a registry fails at once in the sandbox; elsewhere this bounds a DNS stall. */
const DEFAULT_PULL_DEADLINE_MS = 10_000;
/** Saving, streaming and loading a whole image between two engines. */
const DEFAULT_COPY_DEADLINE_MS = 5 * 60_000;

export interface EnsureImageOptions {
  /** Other nodes' engines that may hold the image when no registry does. */
  peers?: EngineClient[];
  /** How errors name this node (its hostname); defaults to its node ID. */
  nodeName?: string;
  pullDeadlineMs?: number;
  copyDeadlineMs?: number;
}

export type ImageSource =
  { source: 'present' } | { source: 'pulled' } | { source: 'copied'; fromNodeId: string; pullError: string };

const inFlight = new Map<string, Promise<ImageSource>>();

/**
 * Makes `image` present on the engine: already there; else pulled; else streamed from a peer engine that has
 * it (`GET /images/get` piped into `POST /images/load`, never held in memory whole). Concurrent calls for the
 * same image on the same node share one attempt.
 */
export function ensureImage(
  engine: EngineClient,
  image: string,
  options: EnsureImageOptions = {},
): Promise<ImageSource> {
  const key = `${engine.nodeId}\0${image}`;
  const running = inFlight.get(key);
  if (running) return running;
  const attempt = ensureImageOnce(engine, image, options).finally(() => inFlight.delete(key));
  inFlight.set(key, attempt);
  return attempt;
}

async function ensureImageOnce(
  engine: EngineClient,
  image: string,
  options: EnsureImageOptions,
): Promise<ImageSource> {
  if (await hasImage(engine, image)) return { source: 'present' };
  const pullError = await pull(engine, image, options.pullDeadlineMs ?? DEFAULT_PULL_DEADLINE_MS);
  if (pullError === undefined) return { source: 'pulled' };

  const peer = await firstPeerWithImage(options.peers ?? [], engine.nodeId, image);
  const node = options.nodeName ?? engine.nodeId;
  if (!peer) {
    throw new NotFoundError(
      `image ${image} not found on node ${node} and no registry or other node has it (pull: ${pullError})`,
    );
  }
  await copyImage(peer, engine, image, options.copyDeadlineMs ?? DEFAULT_COPY_DEADLINE_MS);
  if (!(await hasImage(engine, image))) {
    throw new NotFoundError(
      `image ${image} was copied to node ${node} from node ${peer.nodeId} but is not there`,
    );
  }
  return { source: 'copied', fromNodeId: peer.nodeId, pullError };
}

export async function hasImage(engine: EngineClient, image: string): Promise<boolean> {
  try {
    await engine.call('inspect image', (docker, signal) =>
      engineJson(docker, signal, { method: 'GET', path: `/images/${image}/json` }),
    );
    return true;
  } catch (error) {
    if (engineStatusOf(error) === 404) return false;
    throw asShoalError(`inspecting image ${image}`, error);
  }
}

/** Pulls the image; resolves with the reason it failed, or undefined when it is now there. */
async function pull(engine: EngineClient, image: string, deadlineMs: number): Promise<string | undefined> {
  const { fromImage, tag } = splitReference(image);
  try {
    await engine.call(
      'pull image',
      async (docker, signal) => {
        const progress = await engineStream(docker, signal, {
          method: 'POST',
          path: '/images/create',
          query: tag === undefined ? { fromImage } : { fromImage, tag },
        });
        await consumeJsonMessages(progress);
      },
      deadlineMs,
    );
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `repo[:tag]` or `repo@digest`; a registry port (`host:5000/repo`) is not a tag. */
function splitReference(image: string): { fromImage: string; tag?: string } {
  if (image.includes('@')) return { fromImage: image };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { fromImage: image, tag: 'latest' };
}

async function firstPeerWithImage(
  peers: EngineClient[],
  selfNodeId: string,
  image: string,
): Promise<EngineClient | undefined> {
  const candidates = peers.filter((p) => p.nodeId !== selfNodeId);
  const found = await Promise.all(candidates.map((p) => hasImage(p, image).catch(() => false)));
  return candidates.find((_, i) => found[i]);
}

/** Streams `docker save` of one engine into `docker load` of another; both ends abort on the deadline. */
async function copyImage(
  from: EngineClient,
  to: EngineClient,
  image: string,
  deadlineMs: number,
): Promise<void> {
  await from.call(
    'save image',
    (source, sourceSignal) =>
      to.call(
        'load image',
        async (target, targetSignal) => {
          const archive = await engineStream(source, sourceSignal, {
            method: 'GET',
            path: '/images/get',
            query: { names: image },
          });
          try {
            const loaded = await engineStream(target, targetSignal, {
              method: 'POST',
              path: '/images/load',
              query: { quiet: true },
              upload: archive,
            });
            await consumeJsonMessages(loaded);
          } finally {
            archive.destroy();
          }
        },
        deadlineMs,
      ),
    deadlineMs,
  );
}

/**
 * Reads an engine progress stream (newline-separated JSON) to its end. Pull and load answer 200 and report
 * failure inside the stream as `{"error": ...}`, so the status alone says nothing.
 */
export function consumeJsonMessages(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let failure: string | undefined;
    const read = (line: string): void => {
      if (!line.trim() || failure !== undefined) return;
      try {
        const message = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
        if (message.error !== undefined) failure = String(message.errorDetail?.message ?? message.error);
      } catch {
        // Progress lines are not our business; only errors are.
      }
    };
    stream.on('data', (chunk: Buffer | string) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(read);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      read(pending);
      if (failure !== undefined) reject(new Error(failure));
      else resolve();
    });
  });
}
