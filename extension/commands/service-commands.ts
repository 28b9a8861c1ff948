import * as vscode from 'vscode';
import { describeOutcome, watchConvergence, type Goal, type Outcome } from '../model/convergence';
import { serviceCounts, serviceMode } from '../model/status';
import type { Service } from '../model/types';
import type { UpdateOrder } from '../../agent/types/swarm';
import { createServiceAnswers, isCreateServiceArguments, replicasArgument } from './command-arguments';
import { reportError, resolveService, type CommandContext } from './common';
import { MultiStepInput, type InputStep } from './multi-step-input';
import {
  createServiceSpec,
  scaledServiceSpec,
  serviceUpdatePath,
  updatedServiceSpec,
  type CreateServiceAnswers,
  type UpdateServiceAnswers,
} from './specs';
import {
  defaultServiceName,
  parseConstraints,
  parseEnv,
  parseEnvChanges,
  parsePorts,
  validateConstraints,
  validateEnv,
  validateEnvChanges,
  validateImage,
  validatePorts,
  validatePositiveInteger,
  validateReplicas,
  validateServiceName,
} from './validators';

/**
 * Sends a change, then follows the service in the model (no polling) until it converged, showing progress
 * with a Cancel that stops watching (the agent goes on), and says how it ended.
 */
export async function changeAndWatch(
  ctx: CommandContext,
  options: {
    title: string;
    serviceName: string;
    goal: Goal;
    /** Sends the request; resolves with the service ID (or name) to watch and the version before the change. */
    send(): Promise<{ service: string; baselineVersion: number }>;
  },
): Promise<Outcome | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: options.title, cancellable: true },
    async (progress, token) => {
      let sent: { service: string; baselineVersion: number };
      try {
        sent = await options.send();
      } catch (error) {
        reportError(ctx, `${options.title} failed`, error);
        return undefined;
      }
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      const outcome = await watchConvergence({
        model: ctx.model,
        service: sent.service,
        goal: options.goal,
        baselineVersion: sent.baselineVersion,
        signal: abort.signal,
        onProgress: (message) => progress.report({ message }),
      });
      cancel.dispose();
      const text = describeOutcome(options.serviceName, outcome);
      ctx.log.info(text);
      if (outcome.kind === 'update-paused' || outcome.kind === 'vanished')
        void vscode.window.showWarningMessage(text);
      else void vscode.window.showInformationMessage(text);
      return outcome;
    },
  );
}

const MODE_ITEMS = [
  {
    label: 'Replicated',
    description: 'a number of replicas, spread over the nodes',
    mode: 'replicated' as const,
  },
  { label: 'Global', description: 'one task on every node', mode: 'global' as const },
];

/**
 * Create Service: asks for everything in a multi-step input, or, given `CreateServiceArguments`, asks
 * nothing. Resolves with how the service converged (undefined when cancelled or refused).
 */
export async function createService(ctx: CommandContext, argument?: unknown): Promise<Outcome | undefined> {
  if (ctx.connection.state.kind !== 'connected') {
    reportError(ctx, 'Cannot create a service', new Error('not connected to the Shoal agent'));
    return undefined;
  }
  const taken = new Set([...ctx.model.services.values()].map((s) => s.Spec.Name));
  let answers: CreateServiceAnswers | undefined;
  if (isCreateServiceArguments(argument)) {
    const checked = createServiceAnswers(argument, taken);
    if ('error' in checked) {
      reportError(ctx, 'Cannot create the service', new Error(checked.error));
      return undefined;
    }
    answers = checked;
  } else {
    answers = await askCreateService(taken);
  }
  if (!answers) return undefined;
  const created = answers;
  return changeAndWatch(ctx, {
    title: `Creating ${created.name}`,
    serviceName: created.name,
    goal: { kind: 'converge' },
    send: async () => {
      const reply = await ctx.connection.request<{ ID?: string }>(
        'POST',
        '/services/create',
        createServiceSpec(created),
      );
      return { service: reply?.ID ?? created.name, baselineVersion: 0 };
    },
  });
}

/** The multi-step input; undefined when the user cancelled. */
async function askCreateService(taken: ReadonlySet<string>): Promise<CreateServiceAnswers | undefined> {
  const title = 'Create Service';
  const state: Partial<CreateServiceAnswers> & { modeKind?: 'replicated' | 'global'; replicas?: number } = {};
  const total = () => (state.modeKind === 'global' ? 6 : 7);

  const image: InputStep = async (input) => {
    state.image = (
      await input.showInputBox({
        title,
        step: 1,
        totalSteps: total(),
        value: state.image ?? '',
        prompt: 'Image to run, e.g. shoal/web:latest',
        validate: validateImage,
      })
    ).trim();
    return name;
  };
  const name: InputStep = async (input) => {
    state.name = (
      await input.showInputBox({
        title,
        step: 2,
        totalSteps: total(),
        value: state.name ?? defaultServiceName(state.image ?? '', taken),
        prompt: 'Service name',
        validate: (v) => validateServiceName(v, taken),
      })
    ).trim();
    return mode;
  };
  const mode: InputStep = async (input) => {
    const picked = await input.showQuickPick({
      title,
      step: 3,
      totalSteps: total(),
      items: MODE_ITEMS,
      ...(state.modeKind ? { activeItem: MODE_ITEMS.find((m) => m.mode === state.modeKind) } : {}),
      placeholder: 'How many tasks?',
    });
    state.modeKind = picked.mode;
    return picked.mode === 'replicated' ? replicas : ports;
  };
  const replicas: InputStep = async (input) => {
    state.replicas = Number(
      await input.showInputBox({
        title,
        step: 4,
        totalSteps: total(),
        value: String(state.replicas ?? 1),
        prompt: 'Replicas',
        validate: validateReplicas,
      }),
    );
    return ports;
  };
  const offset = () => (state.modeKind === 'global' ? 0 : 1);
  const ports: InputStep = async (input) => {
    state.ports = parsePorts(
      await input.showInputBox({
        title,
        step: 4 + offset(),
        totalSteps: total(),
        value: '',
        prompt: 'Published ports (host mode), e.g. 8080:80 8443:443/tcp; empty for none',
        validate: validatePorts,
      }),
    );
    return env;
  };
  const env: InputStep = async (input) => {
    state.env = parseEnv(
      await input.showInputBox({
        title,
        step: 5 + offset(),
        totalSteps: total(),
        value: '',
        prompt: 'Environment, e.g. KEY=value OTHER=1; empty for none',
        validate: validateEnv,
      }),
    );
    return constraints;
  };
  const constraints: InputStep = async (input) => {
    state.constraints = parseConstraints(
      await input.showInputBox({
        title,
        step: 6 + offset(),
        totalSteps: total(),
        value: '',
        prompt:
          'Placement constraints, comma-separated, e.g. node.labels.zone==west, node.role!=manager; empty for none',
        validate: validateConstraints,
      }),
    );
  };
  if (!(await MultiStepInput.run(image))) return undefined;
  return {
    image: state.image ?? '',
    name: state.name ?? '',
    mode:
      state.modeKind === 'global'
        ? { kind: 'global' }
        : { kind: 'replicated', replicas: state.replicas ?? 1 },
    ports: state.ports ?? [],
    env: state.env ?? [],
    constraints: state.constraints ?? [],
  };
}

/**
 * Scale: the service from the tree item (or a quick pick), the replicas from the second argument when it is a
 * number (a keybinding, a test), else from an input box. Resolves with how it converged.
 */
export async function scaleService(
  ctx: CommandContext,
  argument: unknown,
  replicasGiven?: unknown,
): Promise<Outcome | undefined> {
  const given = replicasArgument(replicasGiven);
  if (typeof given === 'object') {
    reportError(ctx, 'Cannot scale the service', new Error(given.error));
    return undefined;
  }
  const service = await resolveService(
    ctx,
    argument,
    'Scale which service?',
    (s) => serviceMode(s) === 'replicated',
  );
  if (!service) return undefined;
  if (serviceMode(service) !== 'replicated') {
    reportError(
      ctx,
      `Cannot scale ${service.Spec.Name}`,
      new Error(`it is a ${serviceMode(service)} service`),
    );
    return undefined;
  }
  const current = service.Spec.Mode?.Replicated?.Replicas ?? 1;
  const answer =
    given !== undefined
      ? String(given)
      : await vscode.window.showInputBox({
          title: `Scale ${service.Spec.Name}`,
          prompt: `Replicas (now ${current})`,
          value: String(current),
          validateInput: validateReplicas,
        });
  if (answer === undefined) return undefined;
  const replicas = Number(answer.trim());
  return changeAndWatch(ctx, {
    title: `Scaling ${service.Spec.Name} to ${replicas}`,
    serviceName: service.Spec.Name,
    goal: { kind: 'converge' },
    send: () => sendUpdate(ctx, service, scaledServiceSpec(service, replicas)),
  });
}

async function sendUpdate(ctx: CommandContext, service: Service, spec: unknown, rollback = false) {
  // The freshest version the model has: the tree item may be older than the last event.
  const fresh = ctx.model.services.get(service.ID) ?? service;
  await ctx.connection.request('POST', serviceUpdatePath(fresh, rollback), rollback ? fresh.Spec : spec);
  return { service: service.ID, baselineVersion: fresh.Version.Index };
}

interface ChangeItem extends vscode.QuickPickItem {
  change: 'image' | 'env' | 'replicas' | 'parallelism' | 'order';
}

export async function updateService(ctx: CommandContext, argument: unknown): Promise<void> {
  const service = await resolveService(ctx, argument, 'Update which service?');
  if (!service) return;
  const spec = service.Spec;
  const items: ChangeItem[] = [
    { label: 'Image', description: spec.TaskTemplate.ContainerSpec.Image, change: 'image' },
    {
      label: 'Environment',
      description: (spec.TaskTemplate.ContainerSpec.Env ?? []).join(' ') || 'none',
      change: 'env',
    },
    ...(serviceMode(service) === 'replicated'
      ? [
          {
            label: 'Replicas',
            description: String(spec.Mode?.Replicated?.Replicas ?? 1),
            change: 'replicas' as const,
          },
        ]
      : []),
    {
      label: 'Update parallelism',
      description: String(spec.UpdateConfig?.Parallelism ?? 1),
      change: 'parallelism',
    },
    { label: 'Update order', description: spec.UpdateConfig?.Order ?? 'stop-first', change: 'order' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Update ${spec.Name}`,
    placeHolder: 'What to change? (pick one or more)',
    canPickMany: true,
  });
  if (!picked || picked.length === 0) return;
  const answers: UpdateServiceAnswers = {};
  for (const { change } of picked) {
    const title = `Update ${spec.Name}`;
    switch (change) {
      case 'image': {
        const value = await vscode.window.showInputBox({
          title,
          prompt: 'New image',
          value: spec.TaskTemplate.ContainerSpec.Image,
          validateInput: validateImage,
        });
        if (value === undefined) return;
        answers.image = value.trim();
        break;
      }
      case 'env': {
        const value = await vscode.window.showInputBox({
          title,
          prompt: 'KEY=VALUE to set, -KEY to remove, separated by spaces',
          value: '',
          validateInput: validateEnvChanges,
        });
        if (value === undefined) return;
        const changes = parseEnvChanges(value);
        answers.envAdd = changes.add;
        answers.envRemove = changes.remove;
        break;
      }
      case 'replicas': {
        const value = await vscode.window.showInputBox({
          title,
          prompt: 'Replicas',
          value: String(spec.Mode?.Replicated?.Replicas ?? 1),
          validateInput: validateReplicas,
        });
        if (value === undefined) return;
        answers.replicas = Number(value.trim());
        break;
      }
      case 'parallelism': {
        const value = await vscode.window.showInputBox({
          title,
          prompt: 'Tasks updated at once',
          value: String(spec.UpdateConfig?.Parallelism ?? 1),
          validateInput: (v) => validatePositiveInteger(v, 'the parallelism', 1000),
        });
        if (value === undefined) return;
        answers.parallelism = Number(value.trim());
        break;
      }
      case 'order': {
        const order = await vscode.window.showQuickPick(
          [
            { label: 'stop-first', description: 'stop the old task, then start the new one' },
            { label: 'start-first', description: 'start the new task first (briefly both run)' },
          ],
          { title, placeHolder: 'Update order' },
        );
        if (!order) return;
        answers.order = order.label as UpdateOrder;
        break;
      }
    }
  }
  const next = updatedServiceSpec(service, answers);
  const changesTasks =
    answers.image !== undefined || answers.envAdd !== undefined || answers.envRemove !== undefined;
  await changeAndWatch(ctx, {
    title: `Updating ${spec.Name}`,
    serviceName: spec.Name,
    goal: changesTasks ? { kind: 'update' } : { kind: 'converge' },
    send: () => sendUpdate(ctx, service, next),
  });
}

export async function rollbackService(ctx: CommandContext, argument: unknown): Promise<void> {
  const service = await resolveService(
    ctx,
    argument,
    'Roll back which service?',
    (s) => s.PreviousSpec !== undefined,
  );
  if (!service) return;
  if (!service.PreviousSpec) {
    reportError(ctx, `Cannot roll back ${service.Spec.Name}`, new Error('it has no previous spec'));
    return;
  }
  await changeAndWatch(ctx, {
    title: `Rolling back ${service.Spec.Name}`,
    serviceName: service.Spec.Name,
    goal: { kind: 'update' },
    send: () => sendUpdate(ctx, service, undefined, true),
  });
}

export async function removeService(ctx: CommandContext, argument: unknown): Promise<void> {
  const service = await resolveService(ctx, argument, 'Remove which service?');
  if (!service) return;
  const counts = serviceCounts(service, ctx.model.tasksOfService(service.ID));
  const choice = await vscode.window.showWarningMessage(
    `Remove the service ${service.Spec.Name}?`,
    {
      modal: true,
      detail: `Its ${counts.running} running task${counts.running === 1 ? '' : 's'} will be stopped and removed.`,
    },
    'Remove',
  );
  if (choice !== 'Remove') return;
  await changeAndWatch(ctx, {
    title: `Removing ${service.Spec.Name}`,
    serviceName: service.Spec.Name,
    goal: { kind: 'remove' },
    send: async () => {
      await ctx.connection.request('DELETE', `/services/${encodeURIComponent(service.ID)}`);
      return { service: service.ID, baselineVersion: service.Version.Index };
    },
  });
}
