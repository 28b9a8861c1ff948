import { bool, int, list, num, obj, str, stringMap, strings, unsupported, type Schema } from './schema';

/** Durations travel as nanoseconds; a week is plenty for any timeout or delay. */
const duration = int(0, 7 * 24 * 3600 * 1e9);

/**
 * `""` is the default (pause, stop-first), as in the Engine's conversion to swarmkit: `docker stack deploy` sends
 * `"Order": ""` when the compose file leaves `order` out. The stored spec spells the default out.
 */
const updateConfig = obj({
  Parallelism: int(0, 1_000_000),
  Delay: duration,
  FailureAction: str({ enum: ['pause', 'continue', 'rollback', ''] }),
  Monitor: duration,
  MaxFailureRatio: num(0, 1),
  Order: str({ enum: ['stop-first', 'start-first', ''] }),
});

const mount = obj({
  Type: str({ enum: ['bind', 'volume', 'tmpfs'] }),
  Source: str(),
  Target: str({ nonEmpty: true }),
  ReadOnly: bool(),
  Consistency: str({ enum: ['default', 'consistent', 'cached', 'delegated', ''] }),
  BindOptions: obj({
    Propagation: str({ enum: ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', ''] }),
    NonRecursive: bool(),
  }),
  VolumeOptions: obj({
    NoCopy: bool(),
    Labels: stringMap(),
    DriverConfig: obj({ Name: str(), Options: stringMap() }),
    Subpath: str(),
  }),
  TmpfsOptions: obj({ SizeBytes: int(), Mode: int(0, 0o7777) }),
  ClusterOptions: unsupported('cluster (CSI) volumes'),
});

const containerSpec = obj({
  Image: str({ nonEmpty: true, maxLength: 512 }),
  Labels: stringMap(),
  Command: strings(),
  Args: strings(),
  Hostname: str({ maxLength: 253 }),
  Env: strings(),
  Dir: str(),
  User: str({ maxLength: 256 }),
  Groups: strings(64),
  TTY: bool(),
  OpenStdin: bool(),
  ReadOnly: bool(),
  Mounts: list(mount, 256),
  StopSignal: str({ maxLength: 32 }),
  StopGracePeriod: duration,
  Healthcheck: obj({
    Test: strings(),
    Interval: duration,
    Timeout: duration,
    Retries: int(0, 1_000_000),
    StartPeriod: duration,
    StartInterval: duration,
  }),
  Hosts: strings(),
  DNSConfig: obj({ Nameservers: strings(16), Search: strings(16), Options: strings(16) }),
  Init: bool(true),
  Sysctls: stringMap(),
  CapabilityAdd: strings(64),
  CapabilityDrop: strings(64),
  Ulimits: list(obj({ Name: str({ nonEmpty: true }), Soft: int(), Hard: int() }), 64),
  OomScoreAdj: int(-1000, 1000),
  Isolation: str({ enum: ['default', ''] }),
  Privileges: unsupported('credential specs, SELinux and AppArmor profiles'),
  Secrets: unsupported('secrets'),
  Configs: unsupported('configs'),
  StopTimeout: unsupported(),
});

const resources = obj({
  NanoCPUs: int(),
  MemoryBytes: int(),
  Pids: int(),
  GenericResources: unsupported('generic resources'),
});

export const SERVICE_SPEC_SCHEMA: Schema = obj({
  Name: str({ maxLength: 63 }),
  Labels: stringMap(),
  TaskTemplate: obj({
    ContainerSpec: containerSpec,
    Resources: obj({ Limits: resources, Reservations: resources }),
    RestartPolicy: obj({
      Condition: str({ enum: ['none', 'on-failure', 'any'] }),
      Delay: duration,
      MaxAttempts: int(0, 1_000_000),
      Window: duration,
    }),
    Placement: obj({
      Constraints: strings(64),
      Preferences: list(obj({ Spread: obj({ SpreadDescriptor: str({ nonEmpty: true }) }) }), 16),
      MaxReplicas: int(0, 1_000_000),
      Platforms: list(obj({ Architecture: str(), OS: str() }), 64),
    }),
    Networks: list(
      obj({ Target: str({ nonEmpty: true }), Aliases: strings(64), DriverOpts: stringMap() }),
      64,
    ),
    LogDriver: obj({ Name: str({ nonEmpty: true }), Options: stringMap() }),
    ForceUpdate: int(),
    Runtime: str({ enum: ['container', ''] }),
    PluginSpec: unsupported('plugin services'),
    NetworkAttachmentSpec: unsupported(),
  }),
  Mode: obj({
    Replicated: obj({ Replicas: int(0, 100_000) }),
    Global: obj({}),
    ReplicatedJob: obj({ MaxConcurrent: int(0, 100_000), TotalCompletions: int(0, 1_000_000) }),
    GlobalJob: obj({}),
  }),
  UpdateConfig: updateConfig,
  RollbackConfig: updateConfig,
  Networks: unsupported('service-level Networks is deprecated: use TaskTemplate.Networks'),
  EndpointSpec: obj({
    Mode: str({ enum: ['vip', 'dnsrr'] }),
    Ports: list(
      obj({
        Name: str({ maxLength: 63 }),
        Protocol: str({ enum: ['tcp', 'udp', 'sctp'] }),
        TargetPort: int(1, 65535),
        PublishedPort: int(0, 65535),
        PublishMode: str({ enum: ['ingress', 'host'] }),
      }),
      256,
    ),
  }),
});
