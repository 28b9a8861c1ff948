import type { ComposeReporter, Diagnostics } from '../diagnostics';
import type { Lookup } from '../interpolate';
import { formatPath, type Path } from '../positions';
import type { SourceFile } from '../types';
import { parseDuration } from './units';

/**
 * Values as the schema has already checked them. The readers below still check types, so a value the
 * schema let through in an unexpected shape is skipped rather than crashing the conversion.
 */
export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function dictOf(value: unknown): Dict {
  return isDict(value) ? value : {};
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function booleanOf(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A scalar as compose turns it into text (Go's fmt.Sprint for numbers and booleans). */
export function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

/** Path operations for the client's paths: POSIX, or Windows when the compose file's path is one. */
export interface ClientPaths {
  isAbsolute(path: string): boolean;
  resolve(base: string, path: string): string;
  dirname(path: string): string;
  normalize(path: string): string;
}

/** Where each field of a converted spec came from, so a refusal of the spec can point into the file. */
export class Origins {
  private readonly paths = new Map<string, Path>();

  set(specPath: string, composePath: Path): void {
    this.paths.set(specPath, composePath);
  }

  get(specPath: string): Path | undefined {
    return this.paths.get(specPath);
  }

  entries(): IterableIterator<[string, Path]> {
    return this.paths.entries();
  }

  /** After list entry `listPath[index]` was removed from a spec: later entries move up by one. */
  removeListEntry(listPath: string, index: number): void {
    const prefix = `${listPath}[`;
    const moved = new Map<string, Path>();
    for (const [specPath, composePath] of this.paths) {
      if (!specPath.startsWith(prefix)) {
        moved.set(specPath, composePath);
        continue;
      }
      const close = specPath.indexOf(']', prefix.length);
      const entry = Number(specPath.slice(prefix.length, close));
      if (entry === index) continue;
      const renamed = entry > index ? `${prefix}${entry - 1}${specPath.slice(close)}` : specPath;
      moved.set(renamed, composePath);
    }
    this.paths.clear();
    for (const [key, value] of moved) this.paths.set(key, value);
  }
}

export interface ConvertContext {
  stack: string;
  reporter: ComposeReporter;
  diagnostics: Diagnostics;
  /** The client's environment over the `.env` file. */
  lookup: Lookup;
  paths: ClientPaths;
  /** The folder of the compose file, for relative paths. */
  composeDir: string;
  /** The files the client read for `env_file:`, by normalized path. */
  envFiles: Map<string, SourceFile>;
  /** Top-level `networks:`, `volumes:`, `secrets:`, `configs:` (empty when absent). */
  networks: Dict;
  volumes: Dict;
  /** Top-level volumes some service mounts, filled in by the conversion. */
  usedVolumes: Set<string>;
}

export function where(path: Path): string {
  return formatPath(path);
}

/** A duration field (already checked to be a Go duration by the schema) in nanoseconds; negative is an error. */
export function durationField(
  parent: Dict,
  key: string,
  path: Path,
  ctx: ConvertContext,
): number | undefined {
  const text = parent[key];
  if (typeof text !== 'string') return undefined;
  const nanos = parseDuration(text);
  if (nanos === undefined) return undefined;
  if (nanos < 0) {
    ctx.reporter.error(
      [...path, key],
      `${where([...path, key])} must not be negative, got ${JSON.stringify(text)}`,
    );
    return undefined;
  }
  return nanos;
}
