/**
 * For bench/idle.ts: the extension's side of the agent connection, without VS Code. It connects the
 * extension's AgentConnection to the agent socket given as the first argument, feeds its ClusterModel, and
 * batches model changes with the views' Debouncer (as the tree providers do), then stays idle. It prints
 * `connected` once loaded and answers the parent's `counts` message with the events and changes seen so far.
 */
import { AgentConnection } from '../extension/agent/connection';
import { WEBSOCKET_PATH } from '../extension/agent/endpoint';
import { ClusterModel } from '../extension/model/cluster-model';
import { Debouncer } from '../extension/util/debouncer';

const socket = process.argv[2];
if (!socket) {
  console.error('usage: idle-client.ts AGENT_SOCKET');
  process.exit(2);
}

const model = new ClusterModel();
let changes = 0;
let refreshes = 0;
const debouncer = new Debouncer<unknown>(100, () => refreshes++);
model.onDidChange((change) => {
  changes++;
  debouncer.push(change);
});
const connection = new AgentConnection({
  model,
  target: () => Promise.resolve({ url: `ws+unix://${socket}:${WEBSOCKET_PATH}`, description: socket }),
});
let events = 0;
connection.onDidChangeState((state) => {
  if (state.kind === 'connected') {
    connection.client?.onEvent(() => events++);
    console.log('connected');
  }
});
process.on('message', (message) => {
  if (message === 'counts') {
    process.send?.({ events, changes, refreshes, connected: connection.state.kind === 'connected' });
  }
});
process.on('SIGTERM', () => {
  connection.dispose();
  debouncer.dispose();
  process.exit(0);
});
connection.restart();
