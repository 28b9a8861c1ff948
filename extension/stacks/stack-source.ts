import * as vscode from 'vscode';
import type { StackFiles } from '../../agent/compose/types';
import { COMPOSE_FILE_GLOB, COMPOSE_SEARCH_EXCLUDE, isComposeFile } from './compose-files';
// client-files alone: node fs and yaml, not the loader (which would bundle ajv and the agent).
import { readStackFiles } from '../../agent/compose/client-files';

/** What a plan is made from: the files' text as the agent gets it. */
export interface StackSource {
  /** The compose file's absolute path. */
  composeFile: string;
  files: StackFiles;
  /** True when the compose file has unsaved changes in an editor: their text is sent, not the file's. */
  unsaved: boolean;
}

function asFileUri(argument: unknown): vscode.Uri | undefined {
  return argument instanceof vscode.Uri && argument.scheme === 'file' ? argument : undefined;
}

/**
 * The compose file a command is about: the one its menu passed (Explorer, editor, editor tab), else the active
 * editor's when it is a compose file, else one the user picks among the workspace's compose files.
 */
export async function resolveComposeFile(argument: unknown, title: string): Promise<vscode.Uri | undefined> {
  const given = asFileUri(argument);
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && isComposeFile(active.fsPath)) return active;
  const found = (await vscode.workspace.findFiles(COMPOSE_FILE_GLOB, COMPOSE_SEARCH_EXCLUDE, 200)).filter(
    (uri) => isComposeFile(uri.fsPath),
  );
  if (found.length === 0) {
    void vscode.window.showInformationMessage(
      'There is no compose file (*compose*.yml or .yaml) in the workspace to deploy.',
    );
    return undefined;
  }
  const items = found
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Which compose file?' });
  return picked?.uri;
}

/**
 * Reads the compose file and the files it names. An editor's unsaved text of the compose file wins over the
 * file on disk (it is what the user looks at); the preview says so.
 */
export async function readStackSource(uri: vscode.Uri): Promise<StackSource> {
  const composeFile = uri.fsPath;
  const files = await readStackFiles(composeFile);
  const editor = vscode.workspace.textDocuments.find(
    (d) => d.uri.scheme === 'file' && d.uri.fsPath === composeFile,
  );
  const unsaved = editor?.isDirty === true;
  if (unsaved) files.compose = { path: composeFile, content: editor.getText() };
  return { composeFile, files, unsaved };
}
