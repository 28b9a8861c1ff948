import { InvalidArgumentError } from '../util/errors';

/**
 * Swarm's service templates (`docker service create --hostname '{{.Node.Hostname}}'`): the placeholders
 * swarmkit's template package offers, in the fields it expands (Hostname, Env, Mounts). Only plain field
 * references and `index .Service.Labels "key"` are understood; Go template logic is refused, not guessed.
 */
export interface TemplateContext {
  service: { id: string; name: string; labels: Record<string, string> };
  node: { id: string; hostname: string; os: string; architecture: string };
  task: { id: string; name: string; slot: string };
}

const PLACEHOLDER = /\{\{(.*?)\}\}/g;

export function expandTemplate(text: string, context: TemplateContext, where: string): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (whole, inner: string) => {
    const value = resolve(inner.trim(), context);
    if (value === undefined) {
      throw new InvalidArgumentError(
        `${where}: unsupported template ${whole}; use {{.Service.Name}}, {{.Node.Hostname}}, {{.Task.Slot}} ` +
          `and the like (Swarm's placeholders)`,
      );
    }
    return value;
  });
}

function resolve(expression: string, c: TemplateContext): string | undefined {
  const label = /^index\s+\.Service\.Labels\s+"([^"]*)"$/.exec(expression);
  if (label) return c.service.labels[label[1] ?? ''] ?? '';
  const fields: Record<string, string> = {
    '.Service.ID': c.service.id,
    '.Service.Name': c.service.name,
    '.Node.ID': c.node.id,
    '.Node.Hostname': c.node.hostname,
    '.Node.Platform.OS': c.node.os,
    '.Node.Platform.Architecture': c.node.architecture,
    '.Task.ID': c.task.id,
    '.Task.Name': c.task.name,
    '.Task.Slot': c.task.slot,
  };
  return Object.hasOwn(fields, expression) ? fields[expression] : undefined;
}
