import { randomBytes } from 'node:crypto';

/** A new cluster ID: 25 lowercase hex characters, the length of a swarmkit ID. */
export function newClusterID(): string {
  return randomBytes(13).toString('hex').slice(0, 25);
}
