import { InvalidArgumentError } from '../util/errors';

/** The Docker Engine API version Shoal speaks: 1.41 is the lowest with `GET /services?status=true`. */
export const API_VERSION = '1.41';
/** The oldest versioned path prefix accepted (Docker's configurable floor). */
export const MIN_API_VERSION = '1.24';

/** A path split into the API version it names (or the current one when unversioned) and the route path. */
export interface VersionedPath {
  apiVersion: string;
  path: string;
}

const VERSION_PREFIX = /^\/v(\d+)\.(\d+)(\/.*)?$/;

/**
 * Strips a `/v1.xx` prefix. Versions from 1.24 up are served with the 1.41 shapes: newer clients (the
 * docker CLI negotiates down to 1.41 anyway) get fields they know, older ones get fields they ignore.
 */
export function splitVersionPrefix(path: string): VersionedPath {
  const match = VERSION_PREFIX.exec(path);
  if (!match) return { apiVersion: API_VERSION, path };
  const requested = `${match[1]}.${match[2]}`;
  if (compareApiVersions(requested, MIN_API_VERSION) < 0) {
    throw new InvalidArgumentError(
      `client version ${requested} is too old. Minimum supported API version is ${MIN_API_VERSION}, ` +
        'please upgrade your client to a newer version',
    );
  }
  if (match[1] !== '1') {
    throw new InvalidArgumentError(
      `client version ${requested} is too new. Maximum supported API version is ${API_VERSION}`,
    );
  }
  return { apiVersion: requested, path: match[3] ?? '/' };
}

/** Numeric comparison of "major.minor" versions ("1.9" < "1.24"). */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Headers Docker's version middleware puts on every response. */
export function standardHeaders(shoalVersion: string): Record<string, string> {
  return { 'Api-Version': API_VERSION, Ostype: 'linux', Server: `Shoal/${shoalVersion}` };
}

/** Docker's GOARCH names for node's `process.arch`. */
export function goArch(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64' };
  return names[arch] ?? arch;
}
