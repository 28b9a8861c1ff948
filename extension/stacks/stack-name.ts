/**
 * Stack names as the agent accepts them: Docker's rule for project names, `^[a-z0-9][a-z0-9_-]*$`. Checked
 * here as the user types; the agent checks again.
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
  return undefined;
}

/** A valid stack name made from a folder's name (`My App` -> `my-app`); `stack` when nothing is left. */
export function defaultStackName(folderName: string): string {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '');
  return name === '' ? 'stack' : name;
}
