import * as path from 'node:path';
import { startAgent } from '../agent';
import { loadConfig, type AgentConfig } from '../config';
import { shoalHome } from '../util/home';
import { createLogger } from '../util/log';
import { parseCommandArgs } from './args';

const HELP = `Usage: shoal agent [--config FILE] [--listen HOST:PORT]

Runs the Shoal agent in the foreground. It serves the Docker Engine API's swarm subset and the extension's
WebSocket on the unix socket $SHOAL_HOME/agent.sock (mode 0600), so for example:
  docker -H unix://$HOME/.shoal/agent.sock node ls
With no nodes configured and a sandbox up ("shoal sandbox up"), it adopts the sandbox's nodes.

  --config FILE        JSON: {"listen", "tls": {"cert","key"}, "heartbeatSeconds", "scheduler": {"strategy","plugins"}}
  --listen HOST:PORT   also serve on TCP (loopback only unless TLS is configured). Clients send
                       "Authorization: Bearer <token>"; the token is in $SHOAL_HOME/agent.token (0600).
`;

declare const SHOAL_VERSION: string;

export async function agentCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { config: { type: 'string' }, listen: { type: 'string' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const configFile = typeof values.config === 'string' ? path.resolve(values.config) : undefined;
  const config: AgentConfig = configFile ? loadConfig(configFile) : {};
  if (typeof values.listen === 'string') config.listen = values.listen;

  const log = createLogger('agent');
  const home = shoalHome();
  const agent = await startAgent({
    home,
    config,
    ...(configFile ? { configDir: path.dirname(configFile) } : {}),
    version: SHOAL_VERSION,
    log,
  });
  process.stdout.write(`Shoal agent ${SHOAL_VERSION} serving on unix://${agent.socketPath}\n`);
  if (agent.tcp) {
    process.stdout.write(
      `  and on tcp://${agent.tcp.host}:${agent.tcp.port} (bearer token in ${agent.api.tokenFile})\n`,
    );
  }
  process.stdout.write(
    `  nodes: ${agent.nodes.list().length}; try: docker -H unix://${agent.socketPath} node ls\n`,
  );

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      log.info(`${signal}: stopping`);
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      void agent.stop().then(resolve);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  return 0;
}
