/**
 * Arguments that let a command run without prompting: from a keybinding's `args`, another extension, a task or
 * a test (`vscode.commands.executeCommand('shoal.service.create', { image: 'shoal/web:latest', replicas: 3 })`).
 * They are checked with the same validators as the prompts, so a call accepts exactly what a user could type.
 */
import type { CreateServiceAnswers } from './specs';
import {
  defaultServiceName,
  parseConstraints,
  parseEnv,
  parsePorts,
  validateConstraints,
  validateEnv,
  validateImage,
  validatePorts,
  validateReplicas,
  validateServiceName,
} from './validators';

/** `shoal.service.create`'s argument. Lists are written as in the prompts (`"8080:80 8443:443/tcp"`). */
export interface CreateServiceArguments {
  image: string;
  /** Default: derived from the image, as the prompt suggests. */
  name?: string;
  /** Replicated with this many tasks (default 1), unless `global`. */
  replicas?: number;
  global?: boolean;
  ports?: string;
  env?: string;
  constraints?: string;
}

export function isCreateServiceArguments(value: unknown): value is CreateServiceArguments {
  return typeof value === 'object' && value !== null && !('ref' in value) && 'image' in value;
}

/** The answers the prompts would have produced, or a message naming the first argument that is wrong. */
export function createServiceAnswers(
  args: CreateServiceArguments,
  taken: ReadonlySet<string>,
): CreateServiceAnswers | { error: string } {
  const text = (field: string, value: unknown): string | { error: string } =>
    value === undefined ? '' : typeof value === 'string' ? value : { error: `${field}: expected a string` };
  const image = text('image', args.image);
  if (typeof image !== 'string') return image;
  const imageError = validateImage(image);
  if (imageError) return { error: `image: ${imageError}` };
  const nameText = text('name', args.name);
  if (typeof nameText !== 'string') return nameText;
  const name = nameText.trim() === '' ? defaultServiceName(image, taken) : nameText.trim();
  const nameError = validateServiceName(name, taken);
  if (nameError) return { error: `name: ${nameError}` };
  if (args.global !== undefined && typeof args.global !== 'boolean') {
    return { error: 'global: expected true or false' };
  }
  if (args.global === true && args.replicas !== undefined) {
    return { error: 'replicas: a global service has one task per node, not a number of replicas' };
  }
  let replicas = 1;
  if (args.replicas !== undefined) {
    const replicasError =
      typeof args.replicas === 'number' ? validateReplicas(String(args.replicas)) : 'expected a number';
    if (replicasError) return { error: `replicas: ${replicasError}` };
    replicas = args.replicas;
  }
  const lists: Array<['ports' | 'env' | 'constraints', (t: string) => string | undefined]> = [
    ['ports', validatePorts],
    ['env', validateEnv],
    ['constraints', validateConstraints],
  ];
  const values: Record<string, string> = {};
  for (const [field, validate] of lists) {
    const value = text(field, args[field]);
    if (typeof value !== 'string') return value;
    const error = validate(value);
    if (error) return { error: `${field}: ${error}` };
    values[field] = value;
  }
  return {
    image: image.trim(),
    name,
    mode: args.global === true ? { kind: 'global' } : { kind: 'replicated', replicas },
    ports: parsePorts(values.ports ?? ''),
    env: parseEnv(values.env ?? ''),
    constraints: parseConstraints(values.constraints ?? ''),
  };
}

/** `shoal.service.scale`'s second argument (the first is the service's tree item): the replicas, no prompt. */
export function replicasArgument(value: unknown): number | { error: string } | undefined {
  if (typeof value !== 'number') return undefined; // a context menu passes the selection here, or nothing
  const error = validateReplicas(String(value));
  return error ? { error: `replicas: ${error}` } : value;
}
