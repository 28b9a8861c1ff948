import { agentCommand } from './agent';
import { nodeCommand } from './node';
import { sandboxCommand } from './sandbox';
import { stackCommand } from './stack';
import { UsageError } from './usage';

const HELP = `shoal: Swarm-style service orchestration for plain Docker engines

Usage:
  shoal agent [--config FILE] [--listen HOST:PORT]
                                         run the agent in the foreground (API on $SHOAL_HOME/agent.sock)
  shoal node ls | add ENDPOINT [--label K=V]... | rm NODE [--force]
                                         manage the cluster's nodes through the agent
  shoal stack deploy -c FILE [--prune] STACK | diff -c FILE STACK | ls | services STACK | ps STACK | rm STACK
                                         deploy compose stacks through the agent
  shoal sandbox up [--nodes N] [--tcp]   start a local cluster of N real dockerd (default 3)
  shoal sandbox status [--json]          show the sandbox's nodes and their endpoints
  shoal sandbox down                     stop the sandbox and remove everything it created

Environment:
  SHOAL_HOME   where Shoal keeps its state (default ~/.shoal)

Run "shoal <command> --help" for details.
`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  sandbox: sandboxCommand,
  agent: agentCommand,
  node: nodeCommand,
  stack: stackCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${SHOAL_VERSION}\n`);
    return 0;
  }
  const handler = COMMANDS[command];
  if (!handler) throw new UsageError(`unknown command "${command}"; run "shoal --help"`);
  return handler(rest);
}

declare const SHOAL_VERSION: string;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shoal: ${message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
