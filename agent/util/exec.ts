import { execFile, spawn } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** A command that exited non-zero; the message names the command and carries its stderr. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`${command} failed (exit ${String(code)}): ${stderr.trim() || '(no output)'}`);
  }
}

/**
 * Runs a program without a shell (arguments are never re-parsed) and resolves with its output.
 * `input` is written to its standard input.
 */
export function run(
  file: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException & { code?: number | string }).code ?? null;
          reject(new CommandError([file, ...args].join(' '), code, String(stderr || error.message)));
          return;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like {@link run} but never rejects: for clean-up steps where "already gone" is fine. */
export async function tryRun(file: string, args: readonly string[], input?: string): Promise<boolean> {
  try {
    await run(file, args, input === undefined ? {} : { input });
    return true;
  } catch {
    return false;
  }
}

/** Resolves the absolute path of a program on PATH, or undefined. */
export function which(program: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', 'command -v "$1"', 'which', program], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve(code === 0 && out.trim() ? out.trim() : undefined));
    child.on('error', () => resolve(undefined));
  });
}
