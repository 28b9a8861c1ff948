import type * as vscode from 'vscode';

/** Activation entry point; the views and commands arrive with the extension issue. */
export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
