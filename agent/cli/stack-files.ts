import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StackFiles } from '../compose/types';

/** Temporary until the compose loader's readStackFiles is merged: the compose file and the .env beside it. */
export function readStackFiles(composePath: string): StackFiles {
  const files: StackFiles = { compose: { path: composePath, content: fs.readFileSync(composePath, 'utf8') } };
  const dotEnv = path.join(path.dirname(composePath), '.env');
  if (fs.existsSync(dotEnv)) files.dotEnv = { path: dotEnv, content: fs.readFileSync(dotEnv, 'utf8') };
  return files;
}
