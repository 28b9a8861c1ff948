import { expectObject, rejectUnknownFields } from '../api/bodies';
import type { SourceFile, StackFiles } from '../compose/types';
import { InvalidArgumentError } from '../util/errors';
import type { StackRequest } from './types';

/**
 * Caps beside the API's own on the whole body (1 MiB by default, HTTP and WebSocket alike): a stack is one
 * compose file, its `.env` and its `env_file`s, and the client's environment, which is never stored.
 */
const MAX_ENV_FILES = 256;
const MAX_ENV_ENTRIES = 4096;
const MAX_PATH_LENGTH = 4096;

/** The body of `POST /shoal/stacks/:name/plan` and `.../deploy`, checked field by field. */
export function parseStackRequest(body: unknown): StackRequest {
  const fields = expectObject(body, 'stack request');
  rejectUnknownFields(fields, ['files', 'env', 'prune'], 'stack request');
  const request: StackRequest = { files: parseFiles(fields.files) };
  if (fields.env !== undefined && fields.env !== null) request.env = parseEnv(fields.env);
  if (fields.prune !== undefined && fields.prune !== null) {
    if (typeof fields.prune !== 'boolean') throw new InvalidArgumentError('prune must be true or false');
    request.prune = fields.prune;
  }
  return request;
}

function parseFiles(value: unknown): StackFiles {
  const files = expectObject(value, 'files');
  rejectUnknownFields(files, ['compose', 'dotEnv', 'envFiles'], 'files');
  const parsed: StackFiles = { compose: parseSourceFile(files.compose, 'files.compose') };
  if (files.dotEnv !== undefined && files.dotEnv !== null) {
    parsed.dotEnv = parseSourceFile(files.dotEnv, 'files.dotEnv');
  }
  if (files.envFiles !== undefined && files.envFiles !== null) {
    if (!Array.isArray(files.envFiles)) throw new InvalidArgumentError('files.envFiles must be a list');
    if (files.envFiles.length > MAX_ENV_FILES) {
      throw new InvalidArgumentError(`files.envFiles: more than ${MAX_ENV_FILES} files`);
    }
    parsed.envFiles = files.envFiles.map((f, i) => parseSourceFile(f, `files.envFiles[${i}]`));
  }
  return parsed;
}

function parseSourceFile(value: unknown, field: string): SourceFile {
  if (value === undefined || value === null) throw new InvalidArgumentError(`${field} is required`);
  const file = expectObject(value, field);
  rejectUnknownFields(file, ['path', 'content'], field);
  if (typeof file.path !== 'string' || file.path === '' || file.path.length > MAX_PATH_LENGTH) {
    throw new InvalidArgumentError(`${field}.path must be a file path`);
  }
  if (typeof file.content !== 'string') throw new InvalidArgumentError(`${field}.content must be a string`);
  return { path: file.path, content: file.content };
}

function parseEnv(value: unknown): Record<string, string> {
  const env = expectObject(value, 'env');
  const entries = Object.entries(env);
  if (entries.length > MAX_ENV_ENTRIES)
    throw new InvalidArgumentError(`env: more than ${MAX_ENV_ENTRIES} variables`);
  const parsed: Record<string, string> = {};
  for (const [name, text] of entries) {
    if (typeof text !== 'string') {
      throw new InvalidArgumentError(
        `env: the value of ${JSON.stringify(name.slice(0, 64))} must be a string`,
      );
    }
    parsed[name] = text;
  }
  return parsed;
}
