import * as vscode from 'vscode';
import type { CommandContext } from '../commands/common';
import { clientEnv } from './deploy-flow';
import { folderNameOf } from './compose-files';
import { stackErrorOf } from './diagnostics-map';
import type { StackApi } from './stack-api';
import type { StackDiagnostics } from './stack-diagnostics';
import type { StackMemory } from './stack-memory';
import { defaultStackName } from './stack-name';
import { readStackSource } from './stack-source';

/**
 * Keeps the Problems entries of a compose file current: when a file that has Shoal diagnostics is saved, it
 * is planned again (a plan applies nothing) and its entries replaced, so a fixed error goes away without a
 * new deploy. Files Shoal never reported on are left alone: saving does not talk to the agent for them.
 */
export function recheckOnSave(
  ctx: CommandContext,
  api: StackApi,
  memory: StackMemory,
  diagnostics: StackDiagnostics,
): vscode.Disposable {
  const inFlight = new Set<string>();
  return vscode.workspace.onDidSaveTextDocument(async (document) => {
    const composeFile = diagnostics.composeFileReportingOn(document.uri.fsPath);
    if (composeFile === undefined || inFlight.has(composeFile) || ctx.connection.state.kind !== 'connected')
      return;
    inFlight.add(composeFile);
    try {
      const uri = vscode.Uri.file(composeFile);
      const source = await readStackSource(uri);
      const stack = memory.stackOf(composeFile) ?? defaultStackName(folderNameOf(composeFile));
      try {
        const plan = await api.plan(stack, { files: source.files, env: clientEnv(), prune: false });
        diagnostics.set(composeFile, plan.warnings);
      } catch (error) {
        const body = stackErrorOf(error);
        if (!body) throw error;
        diagnostics.set(composeFile, body.diagnostics);
      }
    } catch (error) {
      ctx.log.warn(`Re-checking ${composeFile} after save: ${(error as Error).message}`);
    } finally {
      inFlight.delete(composeFile);
    }
  });
}
