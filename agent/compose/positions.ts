/**
 * Where things are in a source file: paths into the parsed data, character spans, and 1-based line/column.
 * The parser records the span of every key and value by path, so any later step (schema validation,
 * conversion, the agent's own spec checks) can point at the text a value came from.
 */

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Character offsets into the file's text, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

export interface LinePosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (as VS Code counts). */
  column: number;
}

/** Maps offsets to 1-based line and column. */
export interface LineIndex {
  position(offset: number): LinePosition;
}

const SIMPLE_KEY = /^[A-Za-z0-9_-]+$/;

/** A path as people read it: `services.web.ports[0]`, `services.web.labels["com.example.tier"]`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

export function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/** The spans of keys and values in one parsed file, by path. */
export class SourceMap {
  private readonly keys = new Map<string, Span>();
  private readonly values = new Map<string, Span>();

  setKey(path: Path, span: Span): void {
    this.keys.set(pathKey(path), span);
  }

  setValue(path: Path, span: Span): void {
    this.values.set(pathKey(path), span);
  }

  keySpan(path: Path): Span | undefined {
    return this.keys.get(pathKey(path));
  }

  valueSpan(path: Path): Span | undefined {
    return this.values.get(pathKey(path));
  }

  /**
   * The span to point at for `path`: its key or its value as preferred, else the other one; for a path
   * that is not in the file (a missing key), the nearest ancestor's key.
   */
  locate(path: Path, prefer: 'key' | 'value' = 'value'): Span {
    const first = prefer === 'key' ? this.keySpan(path) : this.valueSpan(path);
    const second = prefer === 'key' ? this.valueSpan(path) : this.keySpan(path);
    const direct = first ?? second;
    if (direct) return direct;
    for (let length = path.length - 1; length > 0; length--) {
      const ancestor = path.slice(0, length);
      const span = this.keySpan(ancestor) ?? this.valueSpan(ancestor);
      if (span) return span;
    }
    return { start: 0, end: 0 };
  }
}

/** Line starts of a text, for files the YAML parser does not read (`.env`, env files). */
export class TextLines implements LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }

  position(offset: number): LinePosition {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 };
  }

  /** The offset where 1-based `line` starts. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.starts[this.starts.length - 1] ?? 0;
  }
}
