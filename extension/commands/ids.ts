/** Every command the extension registers; package.json contributes exactly these (a unit test checks). */
export const COMMANDS = {
  agentStart: 'shoal.agent.start',
  agentSetToken: 'shoal.agent.setToken',
  agentReconnect: 'shoal.agent.reconnect',
  agentOpenSettings: 'shoal.agent.openSettings',
  agentActions: 'shoal.agent.actions',
  showLog: 'shoal.showLog',
  refresh: 'shoal.refresh',
  openMap: 'shoal.map.open',
  inspect: 'shoal.inspect',
  showLogs: 'shoal.logs.show',
  stopLogs: 'shoal.logs.stop',
  serviceCreate: 'shoal.service.create',
  serviceScale: 'shoal.service.scale',
  serviceUpdate: 'shoal.service.update',
  serviceRollback: 'shoal.service.rollback',
  serviceRemove: 'shoal.service.remove',
  nodeDrain: 'shoal.node.drain',
  nodePause: 'shoal.node.pause',
  nodeActivate: 'shoal.node.activate',
  nodeAddLabel: 'shoal.node.addLabel',
  nodeRemoveLabel: 'shoal.node.removeLabel',
  nodeAdd: 'shoal.node.add',
  nodeRemove: 'shoal.node.remove',
  networkCreate: 'shoal.network.create',
  networkRemove: 'shoal.network.remove',
  stackDeploy: 'shoal.stack.deploy',
  stackUpdate: 'shoal.stack.update',
  stackRemove: 'shoal.stack.remove',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export type ViewKind = 'nodes' | 'services' | 'networks';

/** The views in the Shoal activity-bar container. */
export const VIEW_IDS: Readonly<Record<ViewKind, string>> = {
  nodes: 'shoal.nodes',
  services: 'shoal.services',
  networks: 'shoal.networks',
};
