import * as vscode from 'vscode';
import type { ComposeDiagnostic } from '../../agent/compose/types';
import { groupByFile, type MappedDiagnostic } from './diagnostics-map';

function toVscode(diagnostic: MappedDiagnostic): vscode.Diagnostic {
  const { range } = diagnostic;
  const result = new vscode.Diagnostic(
    new vscode.Range(range.startLine, range.startCharacter, range.endLine, range.endCharacter),
    diagnostic.message,
    diagnostic.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  result.source = 'shoal';
  if (diagnostic.keyPath !== '') result.code = diagnostic.keyPath;
  return result;
}

/**
 * The Problems entries of compose files (collection `shoal-compose`). Each plan replaces what the last plan
 * of the same compose file reported, on every file it touched (the compose file, `.env`, env files).
 */
export class StackDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('shoal-compose');
  /** Compose file -> the files its last plan reported on. */
  private readonly touched = new Map<string, string[]>();

  /** Shows `diagnostics` (errors and warnings) for a plan of `composeFile`, replacing the last ones. */
  set(composeFile: string, diagnostics: readonly ComposeDiagnostic[]): void {
    for (const file of this.touched.get(composeFile) ?? []) this.collection.delete(vscode.Uri.file(file));
    const byFile = groupByFile(diagnostics, composeFile);
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list.map(toVscode));
    this.touched.set(composeFile, [...byFile.keys()]);
  }

  /** The compose file whose last plan reported on `file` (itself, its `.env` or an env file), if any. */
  composeFileReportingOn(file: string): string | undefined {
    if (this.touched.has(file)) return file;
    for (const [composeFile, files] of this.touched) if (files.includes(file)) return composeFile;
    return undefined;
  }

  dispose(): void {
    this.collection.dispose();
  }
}
