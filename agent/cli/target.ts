import * as path from 'node:path';
import { type AgentTarget } from '../api/client';
import { readToken } from '../api/token';
import { parseListen } from '../agent';
import { shoalHome } from '../util/home';

/**
 * Where CLI commands reach the agent: `--agent unix:///path` or `--agent host:port` (token from
 * $SHOAL_HOME/agent.token), else $SHOAL_AGENT, else the unix socket in $SHOAL_HOME.
 */
export function agentTarget(flag: string | undefined): AgentTarget {
  const value = flag ?? process.env.SHOAL_AGENT ?? `unix://${path.join(shoalHome(), 'agent.sock')}`;
  if (value.startsWith('unix://')) return { socketPath: value.slice('unix://'.length) };
  const { host, port } = parseListen(value.replace(/^tcp:\/\//, ''));
  return { host, port, token: readToken(path.join(shoalHome(), 'agent.token')) };
}
