import { validateStackName as agentRule } from '../../agent/compose/stack-name';

/**
 * Stack names as the agent accepts them: compose's rule for project names, `^[a-z0-9][a-z0-9_-]*$`, and short
 * enough for `<stack>_<service>` service names. Checked here as the user types; the agent checks again.
 */
export const STACK_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** An error message for an input box, or undefined when the name is fine. */
export function validateStackName(value: string): string | undefined {
  const name = value.trim();
  if (name === '') return 'Enter a stack name.';
  if (/[A-Z]/.test(name)) return 'Stack names are lowercase.';
  if (!/^[a-z0-9]/.test(name)) return 'A stack name starts with a lowercase letter or a digit.';
  const bad = /[^a-z0-9_-]/.exec(name);
  if (bad) return `A stack name may hold only a-z, 0-9, "_" and "-", not ${JSON.stringify(bad[0])}.`;
  // Whatever else the agent's own rule refuses (the length).
  const refused = agentRule(name);
  return refused === undefined ? undefined : `${refused[0]?.toUpperCase() ?? ''}${refused.slice(1)}.`;
}

/** The agent allows 60 (service names are `<stack>_<service>`, at most 63); leave room for the key. */
const MAX_DEFAULT_LENGTH = 40;

/** A valid stack name made from a folder's name (`My App` -> `my-app`); `stack` when nothing is left. */
export function defaultStackName(folderName: string): string {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, MAX_DEFAULT_LENGTH)
    .replace(/-+$/, '');
  return name === '' ? 'stack' : name;
}
