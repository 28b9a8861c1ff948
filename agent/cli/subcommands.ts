import { UsageError } from './usage';

export type Handler = (args: string[]) => Promise<number>;

/**
 * Runs `<group> <sub> args...`: the named handler, the group's help for no argument (exit 2) or --help
 * (exit 0), and a usage error naming the choices otherwise.
 */
export function runSubcommand(
  group: string,
  help: string,
  handlers: Record<string, Handler>,
  args: string[],
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(help);
    return Promise.resolve(sub === undefined ? 2 : 0);
  }
  const handler = handlers[sub];
  if (!handler) {
    throw new UsageError(`unknown ${group} command "${sub}"; expected ${Object.keys(handlers).join(', ')}`);
  }
  return handler(rest);
}
