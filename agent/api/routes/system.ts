import * as os from 'node:os';
import type { Route } from '../dispatcher';
import type { RouteContext } from '../context';
import { API_VERSION, MIN_API_VERSION, goArch } from '../version';

/** `/_ping`, `/version`, `/info`: the docker CLI's handshake and `docker version` / `docker info`. */
export function systemRoutes(context: RouteContext): Route[] {
  const ping = () => ({
    status: 200,
    text: 'OK',
    headers: {
      'Docker-Experimental': 'false',
      Swarm: 'active/manager',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
    },
  });
  return [
    { method: 'HEAD', path: '/_ping', handle: ping },
    { method: 'GET', path: '/_ping', handle: ping },
    { method: 'GET', path: '/version', handle: () => ({ status: 200, body: versionBody(context) }) },
    { method: 'GET', path: '/info', handle: () => ({ status: 200, body: infoBody(context) }) },
  ];
}

function versionBody(context: RouteContext) {
  const details = {
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    Os: process.platform,
    Arch: goArch(),
    KernelVersion: os.release(),
    NodeVersion: process.version,
  };
  return {
    Platform: { Name: 'Shoal' },
    Components: [{ Name: 'Shoal', Version: context.version, Details: details }],
    Version: context.version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    // Docker reports its Go toolchain here; the agent's runtime is node.
    GoVersion: `node ${process.version}`,
    Os: process.platform,
    Arch: goArch(),
    KernelVersion: os.release(),
    BuildTime: '',
  };
}

/**
 * Docker's SystemInfo, enough for `docker info` and `docker node ls`. NCPU and MemTotal are the cluster's:
 * summed over all nodes' described resources (0 with no nodes), not the agent host's. Container and image
 * counts are 0: the agent itself runs none.
 */
function infoBody(context: RouteContext) {
  const nodes = context.nodes.list();
  const cpus = nodes.reduce((sum, n) => sum + n.Description.Resources.NanoCPUs, 0) / 1e9;
  const memory = nodes.reduce((sum, n) => sum + n.Description.Resources.MemoryBytes, 0);
  const address = context.agentAddress();
  return {
    ID: context.agentNodeId,
    Containers: 0,
    ContainersRunning: 0,
    ContainersPaused: 0,
    ContainersStopped: 0,
    Images: 0,
    Driver: '',
    DriverStatus: [],
    Plugins: { Volume: [], Network: ['overlay'], Authorization: null, Log: [] },
    MemoryLimit: false,
    SwapLimit: false,
    CpuCfsPeriod: false,
    CpuCfsQuota: false,
    CPUShares: false,
    CPUSet: false,
    PidsLimit: false,
    IPv4Forwarding: true,
    Debug: false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: '',
    CgroupDriver: '',
    CgroupVersion: '',
    NEventsListener: 0,
    KernelVersion: os.release(),
    OperatingSystem: 'Shoal',
    OSVersion: context.version,
    OSType: 'linux',
    Architecture: os.machine(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: null,
    NCPU: Math.round(cpus),
    MemTotal: memory,
    GenericResources: null,
    DockerRootDir: '',
    HttpProxy: '',
    HttpsProxy: '',
    NoProxy: '',
    Name: os.hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: context.version,
    Runtimes: {},
    DefaultRuntime: '',
    Swarm: {
      NodeID: context.agentNodeId,
      NodeAddr: address,
      LocalNodeState: 'active',
      ControlAvailable: true,
      Error: '',
      RemoteManagers: [{ NodeID: context.agentNodeId, Addr: address }],
      Nodes: nodes.length,
      Managers: 1,
      Cluster: {
        ID: context.store.clusterID,
        Version: { Index: context.store.currentIndex },
        CreatedAt: context.startedAt,
        UpdatedAt: context.startedAt,
        Spec: {
          Name: 'default',
          Labels: {},
          Orchestration: { TaskHistoryRetentionLimit: 5 },
          Raft: {},
          Dispatcher: { HeartbeatPeriod: 5_000_000_000 },
          CAConfig: { NodeCertExpiry: 0 },
          TaskDefaults: {},
          EncryptionConfig: { AutoLockManagers: false },
        },
        TLSInfo: {},
        RootRotationInProgress: false,
        DefaultAddrPool: [],
        SubnetSize: 0,
        DataPathPort: 0,
      },
    },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    ContainerdCommit: { ID: '', Expected: '' },
    RuncCommit: { ID: '', Expected: '' },
    InitCommit: { ID: '', Expected: '' },
    SecurityOptions: [],
    Warnings: [],
  };
}
