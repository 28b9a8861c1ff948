import { formatPath, isPrefix, type LineIndex, type Path, type SourceMap, type Span } from './positions';
import type { ComposeDiagnostic, Severity } from './types';

/** One file's text positions, for turning spans into diagnostics. */
export interface FileLocator {
  path: string;
  lines: LineIndex;
}

/**
 * Collects the diagnostics of one load. The same message at the same place is kept once (a YAML anchor
 * used by several services is checked once per use), and at most MAX are listed.
 */
export class Diagnostics {
  /** A file with more problems than this is not worth reading on: the rest are counted, not listed. */
  static readonly MAX = 500;
  private readonly items: Array<{ diagnostic: ComposeDiagnostic; order: number; fileRank: number }> = [];
  private readonly seen = new Set<string>();
  private readonly fileRanks = new Map<string, number>();
  private dropped = 0;
  /** The first error past the limit, kept so that the result still says it has errors. */
  private droppedError: ComposeDiagnostic | undefined;

  /** Files in the order their diagnostics are listed (the compose file first). */
  rankFile(path: string): void {
    if (!this.fileRanks.has(path)) this.fileRanks.set(path, this.fileRanks.size);
  }

  add(file: FileLocator, severity: Severity, message: string, span: Span, keyPath: string): void {
    const start = file.lines.position(span.start);
    const end = file.lines.position(Math.max(span.end, span.start));
    const diagnostic: ComposeDiagnostic = {
      severity,
      message,
      file: file.path,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      keyPath,
    };
    const key = JSON.stringify([file.path, span.start, span.end, severity, message]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.items.length >= Diagnostics.MAX) {
      this.dropped++;
      if (severity === 'error') this.droppedError ??= diagnostic;
      return;
    }
    this.rankFile(file.path);
    this.items.push({ diagnostic, order: this.items.length, fileRank: this.fileRanks.get(file.path) ?? 0 });
  }

  hasErrors(): boolean {
    return (
      this.droppedError !== undefined || this.items.some(({ diagnostic }) => diagnostic.severity === 'error')
    );
  }

  /** In file order: by file, then line and column; ties keep the order they were found in. */
  sorted(): ComposeDiagnostic[] {
    const sorted = this.sortedItems();
    const at = this.droppedError ?? sorted[sorted.length - 1];
    if (this.dropped > 0 && at) {
      sorted.push({
        ...at,
        severity: this.droppedError ? 'error' : 'warning',
        message: `${this.dropped} more problem${this.dropped === 1 ? '' : 's'} not listed (only the first ${Diagnostics.MAX} are)`,
      });
    }
    return sorted;
  }

  private sortedItems(): ComposeDiagnostic[] {
    return [...this.items]
      .sort(
        (a, b) =>
          a.fileRank - b.fileRank ||
          a.diagnostic.line - b.diagnostic.line ||
          a.diagnostic.column - b.diagnostic.column ||
          a.order - b.order,
      )
      .map(({ diagnostic }) => diagnostic);
  }
}

/** Reports problems in the compose file by path into its data. */
export class ComposeReporter {
  /** Paths that have an error, so later steps can skip what is already known to be broken. */
  private readonly errorPaths: Path[] = [];

  constructor(
    readonly diagnostics: Diagnostics,
    readonly file: FileLocator,
    readonly map: SourceMap,
  ) {
    diagnostics.rankFile(file.path);
  }

  /** Paths with errors from earlier steps: a later step's error there is a consequence, not news. */
  private settledPaths: Path[] = [];

  /** An error at the value (or, with `at: 'key'`, the key) of `path`; the message should name the path. */
  error(path: Path, message: string, at: 'key' | 'value' = 'value'): void {
    const consequence = this.settledPaths.some((settled) => isPrefix(settled, path));
    this.errorPaths.push(path);
    if (consequence) return;
    this.diagnostics.add(this.file, 'error', message, this.map.locate(path, at), formatPath(path));
  }

  warning(path: Path, message: string, at: 'key' | 'value' = 'value'): void {
    this.diagnostics.add(this.file, 'warning', message, this.map.locate(path, at), formatPath(path));
  }

  errorAtSpan(span: Span, message: string, keyPath = ''): void {
    this.diagnostics.add(this.file, 'error', message, span, keyPath);
  }

  /**
   * Ends a step (interpolation, schema validation): errors later steps find at or below a path that
   * already has an error are dropped, so a value that failed to interpolate is not also refused by the
   * schema, and a value the schema refused is not also refused by the conversion.
   */
  settle(): void {
    this.settledPaths = [...this.errorPaths];
  }

  /** Whether an error was reported at `path` or below it. */
  hasErrorsUnder(path: Path): boolean {
    return this.errorPaths.some((errorPath) => isPrefix(path, errorPath));
  }
}
