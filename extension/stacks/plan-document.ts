import * as vscode from 'vscode';

export const PLAN_SCHEME = 'shoal-stack-plan';

/**
 * Read-only markdown documents showing a stack's deploy preview (`shoal-stack-plan:/<stack>.plan.md`). One
 * document per stack: planning the stack again refreshes the open tab instead of opening another.
 */
export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly onDidChangeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly contents = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, this);
  }

  static uriFor(stack: string): vscode.Uri {
    return vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${stack}.plan.md` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.contents.get(uri.toString()) ?? '# No deploy preview\n\nRun Shoal: Deploy Stack\u2026 again.\n'
    );
  }

  /** Sets the stack's preview and shows it beside the current editor, keeping the focus where it is. */
  async show(stack: string, markdown: string): Promise<void> {
    const uri = PlanDocuments.uriFor(stack);
    const known = this.contents.has(uri.toString());
    this.contents.set(uri.toString(), markdown);
    if (known) this.onDidChangeEmitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== 'markdown')
      await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
      preview: true,
    });
  }

  dispose(): void {
    this.registration.dispose();
    this.onDidChangeEmitter.dispose();
  }
}
