import * as path from 'node:path';
import type { ComposeDiagnostic } from '../../agent/compose/types';
import type { FieldChange, PlannedService, ServiceAction, StackPlan } from '../../agent/stacks/types';
import { compareNames } from '../views/format';

/**
 * The deploy preview: a plan as counts, a confirmation question and a markdown document listing networks and
 * services to create, update (field by field, before -> after), remove or leave alone, and the warnings.
 */

export interface PlanSummary {
  create: number;
  update: number;
  remove: number;
  unchanged: number;
  networksToCreate: number;
}

export function summarizePlan(plan: StackPlan): PlanSummary {
  const count = (action: ServiceAction) => plan.services.filter((s) => s.action === action).length;
  return {
    create: count('create'),
    update: count('update'),
    remove: count('remove'),
    unchanged: count('unchanged'),
    networksToCreate: plan.networks.filter((n) => n.action === 'create').length,
  };
}

/** True when deploying would change anything. */
export function hasWork(summary: PlanSummary): boolean {
  return summary.create + summary.update + summary.remove + summary.networksToCreate > 0;
}

/** `2 to create, 1 to update, 1 to remove` (only the non-zero parts; networks when only they change). */
export function describeSummary(summary: PlanSummary): string {
  const parts: string[] = [];
  if (summary.create > 0) parts.push(`${summary.create} to create`);
  if (summary.update > 0) parts.push(`${summary.update} to update`);
  if (summary.remove > 0) parts.push(`${summary.remove} to remove`);
  if (parts.length === 0 && summary.networksToCreate > 0) {
    parts.push(`${summary.networksToCreate} network${summary.networksToCreate === 1 ? '' : 's'} to create`);
  }
  if (parts.length === 0) parts.push('nothing to change');
  return parts.join(', ');
}

/** `Deploy stack web: 2 to create, 1 to update, 1 to remove?` */
export function confirmationQuestion(plan: StackPlan): string {
  return `Deploy stack ${plan.stack}: ${describeSummary(summarizePlan(plan))}?`;
}

/** A value as one short line: strings bare, everything else as compact JSON, cut at `max` characters. */
export function formatValue(value: unknown, max = 60): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}\u2026`;
}

export function formatChange(change: FieldChange, max = 60): string {
  if (change.before === undefined) return `\`${change.path}\`: ${formatValue(change.after, max)} (added)`;
  if (change.after === undefined) return `\`${change.path}\`: ${formatValue(change.before, max)} (removed)`;
  return `\`${change.path}\`: ${formatValue(change.before, max)} \u2192 ${formatValue(change.after, max)}`;
}

/**
 * `compose.yaml:3:5: message`, the file relative to `baseDir` when inside it. (The key path is not repeated:
 * the loader's messages name the key; the Problems view shows it as the code.)
 */
export function formatDiagnostic(diagnostic: ComposeDiagnostic, baseDir?: string): string {
  let file = diagnostic.file;
  if (baseDir !== undefined && file !== '') {
    const relative = path.relative(baseDir, file);
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) file = relative;
  }
  const where = file === '' ? '' : `${file}:${diagnostic.line}:${diagnostic.column}: `;
  return `${where}${diagnostic.message}`;
}

export interface RenderOptions {
  /** The compose file's absolute path. */
  composeFile: string;
  /** True when the editor's unsaved text was planned rather than the file on disk. */
  unsaved?: boolean;
  /** Field changes listed per service before "... and N more". */
  maxChanges?: number;
  /** Set once the plan was deployed: the document then says so instead of "nothing applied yet". */
  deployedAt?: Date;
}

const MAX_CHANGES = 25;

function serviceLine(service: PlannedService): string {
  return `- \`${service.name}\``;
}

function section(title: string, services: PlannedService[], body: (s: PlannedService) => string[]): string[] {
  if (services.length === 0) return [];
  return [`### ${title} (${services.length})`, '', ...services.flatMap(body), ''];
}

export function renderPlanMarkdown(plan: StackPlan, options: RenderOptions): string {
  const summary = summarizePlan(plan);
  const baseDir = path.dirname(options.composeFile);
  const maxChanges = options.maxChanges ?? MAX_CHANGES;
  const byAction = (action: ServiceAction) =>
    plan.services.filter((s) => s.action === action).sort((a, b) => compareNames(a.name, b.name));
  const source = `${path.basename(options.composeFile)}${options.unsaved ? ' (unsaved changes from the editor)' : ''}`;

  const lines: string[] = [
    `# Stack \`${plan.stack}\`: deploy preview`,
    '',
    `From \`${source}\` \u2014 ${describeSummary(summary)}${summary.unchanged > 0 ? `, ${summary.unchanged} unchanged` : ''}.`,
    '',
    options.deployedAt
      ? `Deployed at ${options.deployedAt.toLocaleTimeString()}.`
      : 'Nothing has been applied yet. This document is read-only; answer the confirmation to deploy.',
    '',
  ];

  if (plan.networks.length > 0) {
    const networkText: Record<string, string> = {
      create: 'to create',
      exists: 'exists',
      external: 'external (must exist)',
    };
    lines.push('## Networks', '');
    for (const network of [...plan.networks].sort((a, b) => compareNames(a.name, b.name))) {
      lines.push(`- \`${network.name}\` ${networkText[network.action] ?? network.action}`);
    }
    lines.push('');
  }

  lines.push('## Services', '');
  if (plan.services.length === 0) lines.push('None.', '');
  lines.push(
    ...section('To create', byAction('create'), (s) => [serviceLine(s)]),
    ...section('To update', byAction('update'), (s) => {
      const changes = s.changes ?? [];
      const shown = changes.slice(0, maxChanges).map((c) => `  - ${formatChange(c)}`);
      if (changes.length > maxChanges) shown.push(`  - \u2026 and ${changes.length - maxChanges} more`);
      return [serviceLine(s), ...shown];
    }),
    ...section('To remove', byAction('remove'), (s) => [
      `${serviceLine(s)} \u2014 no longer in the file; its tasks stop`,
    ]),
    ...section('Unchanged', byAction('unchanged'), (s) => [serviceLine(s)]),
  );

  if (plan.warnings.length > 0) {
    lines.push(`## Warnings (${plan.warnings.length})`, '');
    for (const warning of plan.warnings) lines.push(`- ${formatDiagnostic(warning, baseDir)}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
