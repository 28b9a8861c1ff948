import type { ConnectionState } from './connection';

export interface StatusBarText {
  text: string;
  tooltip: string;
  /** A theme colour id for the background, for states that need attention. */
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

/** What the status-bar item says for a connection state and the model's node counts. */
export function statusBarText(
  state: ConnectionState,
  nodes: { ready: number; total: number },
): StatusBarText {
  switch (state.kind) {
    case 'connected':
      return {
        text: `$(vm-connect) Shoal ${nodes.ready}/${nodes.total}`,
        tooltip: `Connected to the Shoal agent ${state.agentVersion} at ${state.endpoint}: ${nodes.ready} of ${nodes.total} node${nodes.total === 1 ? '' : 's'} ready. Click for actions.`,
        ...(nodes.ready < nodes.total ? { background: 'statusBarItem.warningBackground' as const } : {}),
      };
    case 'connecting':
      return {
        text: '$(sync~spin) Shoal',
        tooltip: `Connecting to the Shoal agent at ${state.endpoint}\u2026`,
      };
    case 'reconnecting':
      return {
        text:
          state.reason === 'not-running'
            ? '$(debug-disconnect) Shoal: no agent'
            : '$(sync~spin) Shoal: reconnecting',
        tooltip: `${state.endpoint}: ${state.message}. Retrying in ${Math.ceil(state.retryInMs / 1000)} s. Click for actions.`,
        background: 'statusBarItem.warningBackground',
      };
    case 'disconnected':
      return {
        text: '$(debug-disconnect) Shoal: disconnected',
        tooltip: `${state.endpoint ? `${state.endpoint}: ` : ''}${state.message}. Click for actions.`,
        background: 'statusBarItem.errorBackground',
      };
  }
}
