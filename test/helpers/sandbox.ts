import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { status, type SandboxNodeStatus } from '../../agent/sandbox/sandbox';

export const execFileAsync = promisify(execFile);
export const REPO = path.resolve(__dirname, '..', '..');
export const SHOAL_BIN = path.join(REPO, 'bin', 'shoal.js');

/** The sandbox the integration runner brought up for this run (its own SHOAL_HOME). */
export function sandboxNodes(): SandboxNodeStatus[] {
  const s = status();
  if (!s.up)
    throw new Error(
      'integration tests need the sandbox: run them with "node scripts/run-tests.mjs integration"',
    );
  return s.nodes;
}

/** Runs the stock docker CLI against one engine or the agent. */
export async function docker(endpoint: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await execFileAsync('docker', ['-H', endpoint, ...args], {
    env: { ...process.env, DOCKER_CLI_HINTS: 'false', ...env },
    timeout: 60_000,
  });
  return stdout;
}

/** Runs the shoal CLI; resolves with its exit code and output rather than throwing. */
export async function shoal(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [SHOAL_BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
