import * as os from 'node:os';
import * as path from 'node:path';

/** Root of all Shoal state: `$SHOAL_HOME`, or `~/.shoal`. */
export function shoalHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SHOAL_HOME;
  return path.resolve(fromEnv && fromEnv.length > 0 ? fromEnv : path.join(os.homedir(), '.shoal'));
}
