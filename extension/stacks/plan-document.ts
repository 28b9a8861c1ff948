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

  /**
   * Sets the stack's preview and shows it, keeping the focus where it is: beside the compose file when that is
   * open in an editor, else in the active editor group (no empty group beside it).
   */
  async show(stack: string, markdown: string, composeFile: vscode.Uri): Promise<void> {
    this.update(stack, markdown);
    const document = await vscode.workspace.openTextDocument(PlanDocuments.uriFor(stack));
    if (document.languageId !== 'markdown')
      await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    const besideTheFile = vscode.window.visibleTextEditors.some(
      (e) => e.document.uri.toString() === composeFile.toString(),
    );
    await vscode.window.showTextDocument(document, {
      viewColumn: besideTheFile ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
      preserveFocus: true,
      preview: true,
    });
  }

  /** Replaces the stack's preview text; an open document follows. */
  update(stack: string, markdown: string): void {
    const uri = PlanDocuments.uriFor(stack);
    const known = this.contents.has(uri.toString());
    this.contents.set(uri.toString(), markdown);
    if (known) this.onDidChangeEmitter.fire(uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.onDidChangeEmitter.dispose();
  }
}
