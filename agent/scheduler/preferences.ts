import { InvalidArgumentError } from '../util/errors';
import { labelReader } from './labels';
import type { SpreadPreference } from './types';

/**
 * For the API. Swarm mode silently ignores a spread descriptor other than `node.labels.<k>` or
 * `engine.labels.<k>` (the scheduler does too); rejecting it up front saves users the puzzle.
 */
export function validatePreferences(preferences: readonly SpreadPreference[]): void {
  for (const { spread } of preferences) {
    if (labelReader(spread) === undefined) {
      throw new InvalidArgumentError(
        `invalid placement preference "spread=${spread}": expected node.labels.<label> or engine.labels.<label>`,
      );
    }
  }
}
