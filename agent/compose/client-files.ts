import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { SourceFile, StackFiles } from './types';

/**
 * Reads what a client sends to deploy a stack: the compose file, the `.env` beside it when there is one, and
 * the files its services name under `env_file:` (resolved against the compose file's folder). A missing
 * env file is left out, not an error here: the agent reports it at the env_file entry. For the `shoal` CLI
 * and the VS Code extension (bundled with esbuild): node:fs/promises and yaml only.
 */
export async function readStackFiles(composePath: string): Promise<StackFiles> {
  const composeFile = resolve(composePath);
  const compose: SourceFile = { path: composeFile, content: await readFile(composeFile, 'utf8') };
  const folder = dirname(composeFile);
  const files: StackFiles = { compose };
  const dotEnv = await readIfPresent(resolve(folder, '.env'));
  if (dotEnv) files.dotEnv = dotEnv;
  const envFiles: SourceFile[] = [];
  for (const name of envFileNames(compose.content)) {
    const path = resolve(folder, name);
    if (envFiles.some((file) => file.path === path)) continue;
    const file = await readIfPresent(path);
    if (file) envFiles.push(file);
  }
  if (envFiles.length > 0) files.envFiles = envFiles;
  return files;
}

async function readIfPresent(path: string): Promise<SourceFile | undefined> {
  try {
    return { path, content: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}

/**
 * The `env_file:` entries of every service (a string, a list, or `{ path, required }` items). Read loosely:
 * the agent validates the file; a name with `${...}` is read as written.
 */
export function envFileNames(composeText: string): string[] {
  let data: unknown;
  try {
    data = parseDocument(composeText, { merge: true }).toJS({ maxAliasCount: 100 });
  } catch {
    return [];
  }
  const names: string[] = [];
  const services = (data as { services?: unknown } | null)?.services;
  if (!services || typeof services !== 'object') return names;
  for (const service of Object.values(services as Record<string, unknown>)) {
    const envFile = (service as { env_file?: unknown } | null)?.env_file;
    const entries = Array.isArray(envFile) ? envFile : [envFile];
    for (const entry of entries) {
      if (typeof entry === 'string') names.push(entry);
      else if (entry && typeof entry === 'object' && typeof (entry as { path?: unknown }).path === 'string') {
        names.push((entry as { path: string }).path);
      }
    }
  }
  return names;
}
