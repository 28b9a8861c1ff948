import type { ConnectionState } from '../agent/connection';
import type { TreeEntry } from './tree-data';

/** Command IDs the messages point at (contributed in package.json). */
export const FIX_COMMANDS = {
  startAgent: 'shoal.agent.start',
  openSettings: 'shoal.agent.openSettings',
  setToken: 'shoal.agent.setToken',
  reconnect: 'shoal.agent.reconnect',
  showLog: 'shoal.showLog',
} as const;

function message(
  id: string,
  label: string,
  description: string,
  tooltip: string,
  icon: string,
  command: { command: string; title: string } | undefined,
  contextValue: string,
): TreeEntry {
  return {
    id: `message:${id}`,
    ref: { type: 'message' },
    label,
    description,
    tooltip,
    contextValue,
    icon: {
      codicon: icon,
      ...(icon === 'error' || icon === 'warning' ? { color: `list.${icon}Foreground` } : {}),
    },
    collapsible: false,
    ...(command ? { command } : {}),
  };
}

/**
 * The one item a view shows while it has no data: why, and a click that fixes it (start the agent, open the
 * settings, set the token). Undefined when connected.
 */
export function connectionMessage(state: ConnectionState): TreeEntry | undefined {
  switch (state.kind) {
    case 'connected':
      return undefined;
    case 'connecting':
      return message(
        'connecting',
        'Connecting to the Shoal agent\u2026',
        state.endpoint,
        `Connecting to ${state.endpoint}`,
        'loading~spin',
        undefined,
        'message.connecting',
      );
    case 'reconnecting':
      if (state.reason === 'not-running') {
        return message(
          'not-running',
          'The Shoal agent is not running',
          'click to start it',
          `No agent answers at ${state.endpoint}: ${state.message}. Click to start \`shoal agent\`; retrying meanwhile.`,
          'warning',
          { command: FIX_COMMANDS.startAgent, title: 'Start Agent' },
          'message.not-running',
        );
      }
      return message(
        'unreachable',
        'Cannot reach the Shoal agent',
        state.message,
        `${state.endpoint}: ${state.message}. Retrying (attempt ${state.attempt}); click to retry now.`,
        'warning',
        { command: FIX_COMMANDS.reconnect, title: 'Reconnect' },
        'message.unreachable',
      );
    case 'disconnected':
      if (state.reason === 'unauthorized') {
        return message(
          'unauthorized',
          'The agent refused the token',
          'click to set it',
          `${state.endpoint}: ${state.message}. Set the token from $SHOAL_HOME/agent.token.`,
          'error',
          { command: FIX_COMMANDS.setToken, title: 'Set Agent Token' },
          'message.unauthorized',
        );
      }
      if (state.reason === 'config') {
        return message(
          'config',
          'The agent endpoint setting is invalid',
          'click to open settings',
          state.message,
          'error',
          { command: FIX_COMMANDS.openSettings, title: 'Open Settings' },
          'message.config',
        );
      }
      return message(
        'disconnected',
        'Not connected to the Shoal agent',
        state.message,
        `${state.endpoint || 'agent'}: ${state.message}. Click to connect.`,
        'debug-disconnect',
        { command: FIX_COMMANDS.reconnect, title: 'Reconnect' },
        'message.disconnected',
      );
  }
}

/** What an empty view says once connected. */
export function emptyMessage(view: 'nodes' | 'services' | 'networks'): TreeEntry {
  switch (view) {
    case 'nodes':
      return message(
        'empty',
        'No nodes',
        'add a Docker engine',
        'The cluster has no nodes yet.',
        'info',
        { command: 'shoal.node.add', title: 'Add Node' },
        'message.empty',
      );
    case 'services':
      return message(
        'empty',
        'No services',
        'create one',
        'The cluster runs no services yet.',
        'info',
        { command: 'shoal.service.create', title: 'Create Service' },
        'message.empty',
      );
    case 'networks':
      return message(
        'empty',
        'No cluster networks',
        'create one',
        'There are no cluster networks yet.',
        'info',
        { command: 'shoal.network.create', title: 'Create Network' },
        'message.empty',
      );
  }
}
