import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { StackFiles } from '../../agent/compose/types';

/**
 * Interim reader until the compose branch's `readStackFiles` (agent/compose/client-files.ts) is merged: the
 * compose file and the `.env` beside it.
 */
export async function readStackFiles(composePath: string): Promise<StackFiles> {
  const compose = { path: composePath, content: await readFile(composePath, 'utf8') };
  const dotEnvPath = path.join(path.dirname(composePath), '.env');
  const dotEnv = await readFile(dotEnvPath, 'utf8').then(
    (content) => ({ path: dotEnvPath, content }),
    () => undefined,
  );
  return { compose, ...(dotEnv ? { dotEnv } : {}) };
}
