/**
 * Stack names, by the rule compose uses for project names: lower-case letters, digits, "_" and "-",
 * starting with a letter or digit. (docker stack deploy itself only refuses an empty name, then fails later
 * on service and network names; refusing early gives the clearer message.)
 */
const STACK_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/** Service names are `<stack>_<service>` and at most 63 characters (a DNS label). */
const MAX_LENGTH = 60;

/** An error message for a stack name that cannot be used, or undefined when it is fine. */
export function validateStackName(name: string): string | undefined {
  if (name.trim() === '') return 'the stack name is empty';
  if (name.length > MAX_LENGTH) {
    return `the stack name is too long (${name.length} characters, at most ${MAX_LENGTH}): service names are <stack>_<service>`;
  }
  if (!STACK_NAME.test(name)) {
    return `invalid stack name ${JSON.stringify(name)}: use lower-case letters, digits, "_" and "-", starting with a letter or digit`;
  }
  return undefined;
}
