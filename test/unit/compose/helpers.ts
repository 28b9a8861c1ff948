import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStack } from '../../../agent/compose';
import type {
  ComposeDiagnostic,
  ComposeLoadResult,
  SourceFile,
  StackFiles,
} from '../../../agent/compose/types';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'compose');

/** The path the tests pretend the client read the compose file from. */
export const COMPOSE_PATH = '/proj/docker-compose.yml';

export interface LoadOptions {
  name?: string;
  env?: Record<string, string>;
  dotEnv?: string;
  envFiles?: Record<string, string>;
}

/** Loads an inline compose file as if read from /proj. */
export function load(content: string, options: LoadOptions = {}): ComposeLoadResult {
  const files: StackFiles = { compose: { path: COMPOSE_PATH, content } };
  if (options.dotEnv !== undefined) files.dotEnv = { path: '/proj/.env', content: options.dotEnv };
  if (options.envFiles) {
    files.envFiles = Object.entries(options.envFiles).map(([name, text]): SourceFile => ({
      path: join('/proj', name),
      content: text,
    }));
  }
  return loadStack(options.name ?? 'demo', files, options.env ?? {});
}

/** Reads a fixture folder's files as a client would send them, pretending they live in /proj. */
export function fixtureFiles(
  folder: string,
  compose = 'docker-compose.yml',
  envFiles: string[] = [],
): StackFiles {
  const read = (name: string): SourceFile => ({
    path: join('/proj', name),
    content: readFileSync(join(FIXTURES, folder, name), 'utf8'),
  });
  const files: StackFiles = { compose: read(compose) };
  try {
    files.dotEnv = read('.env');
  } catch {
    // no .env in this fixture
  }
  if (envFiles.length > 0) files.envFiles = envFiles.map(read);
  return files;
}

/** Diagnostics as `line:column severity message`, the way the tests compare them. */
export function lines(diagnostics: ComposeDiagnostic[], severity?: 'error' | 'warning'): string[] {
  return diagnostics
    .filter((d) => severity === undefined || d.severity === severity)
    .map((d) => `${d.line}:${d.column} ${d.severity} ${d.message}`);
}

export function errors(result: ComposeLoadResult): string[] {
  return lines(result.diagnostics, 'error');
}

export function warnings(result: ComposeLoadResult): string[] {
  return lines(result.diagnostics, 'warning');
}

/** The converted spec of one service; fails the test when the stack did not load. */
export function specOf(result: ComposeLoadResult, key: string) {
  if (!result.stack) throw new Error(`the stack did not load:\n${lines(result.diagnostics).join('\n')}`);
  const service = result.stack.services.find((s) => s.key === key);
  if (!service) throw new Error(`no service ${key}`);
  return service.spec;
}
