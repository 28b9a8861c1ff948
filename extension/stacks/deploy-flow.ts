import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StackPlan, StackRequest } from '../../agent/stacks/types';
import { reportError, type CommandContext } from '../commands/common';
import { firstError, stackErrorOf } from './diagnostics-map';
import type { PlanDocuments } from './plan-document';
import {
  confirmationQuestion,
  describeSummary,
  formatDiagnostic,
  hasWork,
  renderPlanMarkdown,
  summarizePlan,
} from './plan-render';
import type { StackApi } from './stack-api';
import { describeStackOutcome, serviceVersions, watchStack, watchTargets } from './stack-convergence';
import type { StackDiagnostics } from './stack-diagnostics';
import type { StackMemory } from './stack-memory';
import { readStackSource, type StackSource } from './stack-source';

export interface DeployFlowDeps {
  ctx: CommandContext;
  api: StackApi;
  memory: StackMemory;
  diagnostics: StackDiagnostics;
  plans: PlanDocuments;
}

/** The extension host's environment, for `${VAR}` in the compose file (as the docker CLI uses its shell's). */
export function clientEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}

const SHOW_PROBLEMS = 'Show Problems';

/**
 * If the agent refused the compose file (400 with diagnostics): puts them in the Problems view, says what the
 * first one is with a way to the Problems view, and returns true. Otherwise false (another kind of failure).
 */
function showComposeErrors(
  deps: DeployFlowDeps,
  source: StackSource,
  stack: string,
  error: unknown,
): boolean {
  const body = stackErrorOf(error);
  if (!body) return false;
  deps.diagnostics.set(source.composeFile, body.diagnostics);
  const first = firstError(body.diagnostics);
  const errors = body.diagnostics.filter((d) => d.severity === 'error').length;
  const more = errors > 1 ? ` (and ${errors - 1} more error${errors === 2 ? '' : 's'})` : '';
  const what = first ? formatDiagnostic(first, path.dirname(source.composeFile)) : body.message;
  deps.ctx.log.error(`Stack ${stack}: ${body.message}`);
  void vscode.window
    .showErrorMessage(`Cannot deploy stack ${stack}: ${what}${more}`, SHOW_PROBLEMS)
    .then((choice) => {
      if (choice === SHOW_PROBLEMS) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  return true;
}

/**
 * Plan, preview, confirm, deploy, follow: reads the files (an editor's unsaved text included), asks the agent
 * for a plan, shows it beside with the warnings in the Problems view, asks for confirmation, deploys exactly
 * what was previewed, and follows every created, updated or removed service until it converged.
 */
export async function planAndDeploy(deps: DeployFlowDeps, uri: vscode.Uri, stack: string): Promise<void> {
  const { ctx, api } = deps;
  const fileLabel = vscode.workspace.asRelativePath(uri);
  let source: StackSource;
  try {
    source = await readStackSource(uri);
  } catch (error) {
    reportError(ctx, `Cannot read ${fileLabel}`, error);
    return;
  }
  // Prune: the stack becomes what the file says; removals are listed in the preview and the question.
  const request: StackRequest = { files: source.files, env: clientEnv(), prune: true };

  let plan: StackPlan;
  try {
    plan = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Planning stack ${stack}` },
      () => api.plan(stack, request),
    );
  } catch (error) {
    if (!showComposeErrors(deps, source, stack, error))
      reportError(ctx, `Planning stack ${stack} failed`, error);
    return;
  }
  deps.diagnostics.set(source.composeFile, plan.warnings);
  const renderOptions = { composeFile: source.composeFile, unsaved: source.unsaved };
  await deps.plans.show(stack, renderPlanMarkdown(plan, renderOptions), uri);

  const summary = summarizePlan(plan);
  if (!hasWork(summary)) {
    await deps.memory.remember(source.composeFile, stack);
    void vscode.window.showInformationMessage(
      `Stack ${stack} already matches ${fileLabel}: nothing to deploy.`,
    );
    return;
  }
  const warnings = plan.warnings.length;
  // A warning when services go away, plain information otherwise.
  const ask = summary.remove > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await ask(
    confirmationQuestion(plan),
    {
      modal: true,
      detail: [
        `From ${fileLabel}${source.unsaved ? ' (unsaved changes included)' : ''}. The preview beside lists every change.`,
        ...(summary.remove > 0 ? ['Services no longer in the file are removed.'] : []),
        ...(warnings > 0 ? [`${warnings} warning${warnings === 1 ? '' : 's'}: see the Problems view.`] : []),
      ].join('\n'),
    },
    'Deploy',
  );
  if (choice !== 'Deploy') return;

  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Deploying stack ${stack}`, cancellable: true },
    async (progress, token) => {
      const versionsBefore = serviceVersions(ctx.model);
      let result;
      try {
        result = await api.deploy(stack, request);
      } catch (error) {
        if (!showComposeErrors(deps, source, stack, error))
          reportError(ctx, `Deploying stack ${stack} failed`, error);
        return;
      }
      await deps.memory.remember(source.composeFile, stack);
      deps.plans.update(stack, renderPlanMarkdown(result, { ...renderOptions, deployedAt: new Date() }));
      ctx.log.info(
        `Stack ${stack} deployed from ${source.composeFile}: ${describeSummary(summarizePlan(result))}`,
      );
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      const outcomes = await watchStack(ctx.model, watchTargets(result, versionsBefore), {
        signal: abort.signal,
        onProgress: (message) => progress.report({ message }),
      });
      cancel.dispose();
      const { text, warning } = describeStackOutcome(stack, outcomes);
      ctx.log.info(text);
      if (warning) void vscode.window.showWarningMessage(text);
      else void vscode.window.showInformationMessage(text);
    },
  );
}
