import type { ComposeDiagnostic, Severity } from '../../agent/compose/types';
import type { StackErrorBody } from '../../agent/stacks/types';
import { AgentRequestError } from '../agent/protocol';

/**
 * The agent's compose diagnostics as VS Code wants them, without VS Code: 1-based line/column become 0-based
 * positions, grouped by file. A diagnostic without a file belongs to the compose file.
 */

export interface ZeroBasedRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface MappedDiagnostic {
  file: string;
  severity: Severity;
  message: string;
  range: ZeroBasedRange;
  /** `services.web.ports`, shown as the diagnostic's code. */
  keyPath: string;
}

function zeroBased(value: number): number {
  return Number.isFinite(value) && value >= 1 ? Math.floor(value) - 1 : 0;
}

/** The range of a diagnostic; an empty or inverted one covers one character, so it shows a squiggle. */
export function toRange(diagnostic: ComposeDiagnostic): ZeroBasedRange {
  const startLine = zeroBased(diagnostic.line);
  const startCharacter = zeroBased(diagnostic.column);
  let endLine = zeroBased(diagnostic.endLine);
  let endCharacter = zeroBased(diagnostic.endColumn);
  if (endLine < startLine || (endLine === startLine && endCharacter <= startCharacter)) {
    endLine = startLine;
    endCharacter = startCharacter + 1;
  }
  return { startLine, startCharacter, endLine, endCharacter };
}

export function mapDiagnostic(diagnostic: ComposeDiagnostic, composeFile: string): MappedDiagnostic {
  return {
    file: diagnostic.file === '' ? composeFile : diagnostic.file,
    severity: diagnostic.severity,
    message: diagnostic.message,
    range: toRange(diagnostic),
    keyPath: diagnostic.keyPath,
  };
}

/** Diagnostics by file, each file's in the order given. */
export function groupByFile(
  diagnostics: readonly ComposeDiagnostic[],
  composeFile: string,
): Map<string, MappedDiagnostic[]> {
  const byFile = new Map<string, MappedDiagnostic[]>();
  for (const diagnostic of diagnostics) {
    const mapped = mapDiagnostic(diagnostic, composeFile);
    const list = byFile.get(mapped.file);
    if (list) list.push(mapped);
    else byFile.set(mapped.file, [mapped]);
  }
  return byFile;
}

export function firstError(diagnostics: readonly ComposeDiagnostic[]): ComposeDiagnostic | undefined {
  return diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asDiagnostic(value: unknown): ComposeDiagnostic | undefined {
  if (!isRecord(value) || typeof value.message !== 'string') return undefined;
  const number = (v: unknown, fallback: number) =>
    typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  const line = number(value.line, 1);
  const column = number(value.column, 1);
  return {
    severity: value.severity === 'warning' ? 'warning' : 'error',
    message: value.message,
    file: typeof value.file === 'string' ? value.file : '',
    line,
    column,
    endLine: number(value.endLine, line),
    endColumn: number(value.endColumn, column),
    keyPath: typeof value.keyPath === 'string' ? value.keyPath : '',
  };
}

/** Diagnostics as the agent sent them (plan warnings), dropping anything of the wrong shape. */
export function parseDiagnostics(value: unknown): ComposeDiagnostic[] {
  if (!Array.isArray(value)) return [];
  return value.map(asDiagnostic).filter((d): d is ComposeDiagnostic => d !== undefined);
}

/** The compose file's errors when the agent refused it (400 with diagnostics); else undefined. */
export function stackErrorOf(error: unknown): StackErrorBody | undefined {
  if (!(error instanceof AgentRequestError) || error.status !== 400 || !isRecord(error.body))
    return undefined;
  const diagnostics = parseDiagnostics(error.body.diagnostics);
  if (diagnostics.length === 0) return undefined;
  const message = typeof error.body.message === 'string' ? error.body.message : error.message;
  return { message, diagnostics };
}
