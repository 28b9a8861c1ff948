import { formatPath, isPrefix, type LineIndex, type Path, type SourceMap, type Span } from './positions';
import type { ComposeDiagnostic, Severity } from './types';

/** One file's text positions, for turning spans into diagnostics. */
export interface FileLocator {
  path: string;
  lines: LineIndex;
}

/**
 * Collects the diagnostics of one load. The same message at the same place is kept once (a YAML anchor
 * used by several services is checked once per use).
 */
export class Diagnostics {
  private readonly items: Array<{ diagnostic: ComposeDiagnostic; order: number; fileRank: number }> = [];
  private readonly fileRanks = new Map<string, number>();

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
    const duplicate = this.items.some(
      ({ diagnostic: d }) =>
        d.file === diagnostic.file &&
        d.line === diagnostic.line &&
        d.column === diagnostic.column &&
        d.endLine === diagnostic.endLine &&
        d.endColumn === diagnostic.endColumn &&
        d.severity === severity &&
        d.message === message,
    );
    if (duplicate) return;
    this.rankFile(file.path);
    this.items.push({ diagnostic, order: this.items.length, fileRank: this.fileRanks.get(file.path) ?? 0 });
  }

  hasErrors(): boolean {
    return this.items.some(({ diagnostic }) => diagnostic.severity === 'error');
  }

  errorCount(): number {
    return this.items.filter(({ diagnostic }) => diagnostic.severity === 'error').length;
  }

  /** In file order: by file, then line and column; ties keep the order they were found in. */
  sorted(): ComposeDiagnostic[] {
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

  /** An error at the value (or, with `at: 'key'`, the key) of `path`; the message should name the path. */
  error(path: Path, message: string, at: 'key' | 'value' = 'value'): void {
    this.errorPaths.push(path);
    this.diagnostics.add(this.file, 'error', message, this.map.locate(path, at), formatPath(path));
  }

  warning(path: Path, message: string, at: 'key' | 'value' = 'value'): void {
    this.diagnostics.add(this.file, 'warning', message, this.map.locate(path, at), formatPath(path));
  }

  errorAtSpan(span: Span, message: string, keyPath = ''): void {
    this.diagnostics.add(this.file, 'error', message, span, keyPath);
  }

  /** Whether an error was reported at exactly `path`. */
  hasErrorAt(path: Path): boolean {
    return this.errorPaths.some((errorPath) => errorPath.length === path.length && isPrefix(path, errorPath));
  }

  /** Whether an error was reported at `path` or below it. */
  hasErrorsUnder(path: Path): boolean {
    return this.errorPaths.some((errorPath) => isPrefix(path, errorPath));
  }
}
