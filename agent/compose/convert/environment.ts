import { parseEnvFile } from '../dotenv';
import { TextLines, type Path } from '../positions';
import { isDict, listOf, scalarText, stringOf, where, type ConvertContext, type Dict } from './context';

/**
 * A compose "list or dict" (`labels`, `sysctls`, `deploy.labels`, ...) as a map: `KEY=VALUE` or `KEY` list
 * entries, or a mapping whose null values are "".
 */
export function mappingOf(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const entry of value) {
      const text = scalarText(entry);
      const equals = text.indexOf('=');
      if (equals === -1) result[text] = '';
      else result[text.slice(0, equals)] = text.slice(equals + 1);
    }
  } else if (isDict(value)) {
    for (const [key, entry] of Object.entries(value)) result[key] = scalarText(entry);
  }
  return result;
}

/**
 * `ContainerSpec.Env` as docker stack deploy builds it: the `env_file:` files in order, then `environment:`
 * over them; a variable given without a value (`- DEBUG`, `DEBUG:`, a bare `DEBUG` line) takes the client's
 * environment, and stays a bare `DEBUG` when that has none. Sorted, as Docker sorts it.
 */
export function convertEnvironment(
  service: Dict,
  servicePath: Path,
  ctx: ConvertContext,
): string[] | undefined {
  const env = new Map<string, string | undefined>();
  for (const [name, value] of envFileVariables(service.env_file, [...servicePath, 'env_file'], ctx)) {
    env.set(name, value);
  }
  const environment = service.environment;
  if (Array.isArray(environment)) {
    for (const entry of environment) {
      const text = scalarText(entry);
      const equals = text.indexOf('=');
      if (equals === -1) env.set(text, ctx.lookup(text));
      else env.set(text.slice(0, equals), text.slice(equals + 1));
    }
  } else if (isDict(environment)) {
    for (const [name, value] of Object.entries(environment)) {
      env.set(name, value === null || value === undefined ? ctx.lookup(name) : scalarText(value));
    }
  }
  if (env.size === 0) return undefined;
  return [...env].map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).sort();
}

function envFileVariables(
  value: unknown,
  path: Path,
  ctx: ConvertContext,
): Array<[string, string | undefined]> {
  if (value === undefined || value === null) return [];
  const entries: Array<{ file: string; required: boolean; path: Path }> = [];
  if (typeof value === 'string') entries.push({ file: value, required: true, path });
  else {
    listOf(value).forEach((entry, i) => {
      if (typeof entry === 'string') entries.push({ file: entry, required: true, path: [...path, i] });
      else if (isDict(entry) && typeof entry.path === 'string') {
        entries.push({ file: entry.path, required: entry.required !== false, path: [...path, i, 'path'] });
      }
    });
  }
  const variables: Array<[string, string | undefined]> = [];
  for (const entry of entries) {
    const resolved = ctx.paths.normalize(ctx.paths.resolve(ctx.composeDir, entry.file));
    const file = ctx.envFiles.get(resolved);
    if (!file) {
      if (entry.required) {
        ctx.reporter.error(
          entry.path,
          `${where(entry.path)}: env file ${JSON.stringify(entry.file)} not found (looked for ${resolved})`,
        );
      }
      continue;
    }
    const parsed = parseEnvFile(file.content, ctx.lookup);
    const locator = { path: file.path, lines: new TextLines(file.content) };
    for (const problem of parsed.problems) {
      ctx.diagnostics.add(locator, problem.severity, problem.message, problem.span, '');
    }
    if (parsed.problems.some((p) => p.severity === 'error')) {
      ctx.reporter.error(
        entry.path,
        `${where(entry.path)}: env file ${JSON.stringify(entry.file)} has errors`,
      );
    }
    for (const variable of parsed.entries) {
      // A bare KEY the environment does not have is left out (docker/cli pkg/kvfile).
      if (variable.value !== undefined) variables.push([variable.name, variable.value]);
    }
  }
  return variables;
}

/** `command:` / `entrypoint:`: a list as is, a string split like a POSIX shell (as compose does). */
export function convertCommand(value: unknown, path: Path, ctx: ConvertContext): string[] | undefined {
  if (Array.isArray(value)) return value.map(scalarText);
  const text = stringOf(value);
  if (text === undefined) return undefined;
  const split = shellSplit(text);
  if ('error' in split) {
    ctx.reporter.error(path, `${where(path)}: ${split.error}`);
    return undefined;
  }
  return split.words;
}

/**
 * Splits a command line into words like google/shlex (docker/cli's choice): whitespace separates words,
 * 'single quotes' are literal, "double quotes" and backslash escape, `#` at the start of a word starts a
 * comment.
 */
export function shellSplit(text: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (char === '#' && !inWord) break;
    inWord = true;
    if (char === '\\') {
      i++;
      if (i >= text.length) return { error: 'the command ends with an escape character (\\)' };
      word += text[i];
    } else if (char === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) return { error: 'the command has an unclosed single quote' };
      word += text.slice(i + 1, close);
      i = close;
    } else if (char === '"') {
      let closed = false;
      for (i++; i < text.length; i++) {
        const inner = text[i] as string;
        if (inner === '"') {
          closed = true;
          break;
        }
        if (inner === '\\' && i + 1 < text.length) {
          i++;
          word += text[i];
        } else word += inner;
      }
      if (!closed) return { error: 'the command has an unclosed double quote' };
    } else word += char;
  }
  if (inWord) words.push(word);
  return { words };
}
