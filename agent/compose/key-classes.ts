import type { ComposeReporter } from './diagnostics';
import { formatPath } from './positions';

/**
 * Service keys docker stack deploy does not use, in Docker's classes (docker/cli cli/compose/types):
 * ignored (a warning), deprecated (a warning), forbidden (an error). Keys Docker accepts and then drops
 * without a word get a warning too, saying why, so nothing in the file is silently without effect.
 */

/** docker/cli `UnsupportedProperties`: Docker warns "Ignoring unsupported options" and drops them. */
const IGNORED: Record<string, string> = {
  build: 'images are not built by docker stack deploy: build and push the image first, then set image',
  cgroupns_mode: '',
  cgroup_parent: '',
  devices: '',
  domainname: '',
  external_links: '',
  ipc: '',
  links: 'services on a shared network reach each other by service name',
  mac_address: '',
  network_mode: 'services attach to networks through the networks key',
  pid: '',
  privileged: 'swarm services cannot run privileged',
  security_opt: '',
  shm_size: '',
  userns_mode: '',
};

/** docker/cli `DeprecatedProperties`. */
const DEPRECATED: Record<string, string> = {
  container_name:
    'setting the container name is not supported: tasks are named <stack>_<service>.<slot>.<id>',
  expose:
    "exposing ports is unnecessary: services on the same network can reach each other's containers on any port",
};

/** docker/cli `ForbiddenProperties`: errors, each with what to write instead. */
const FORBIDDEN: Record<string, string> = {
  extends: 'share settings with YAML anchors and merge keys (<<: *defaults) instead',
  volume_driver:
    'define the volume under the top-level volumes key and set its driver there, then list it in the service',
  volumes_from:
    "to share a volume, define it under the top-level volumes key and list it in each service's volumes",
  cpu_quota: 'set CPU limits with deploy.resources.limits.cpus',
  cpu_shares: 'reserve CPU with deploy.resources.reservations.cpus',
  cpuset: 'set CPU limits with deploy.resources.limits.cpus (swarm services cannot pin CPUs)',
  mem_limit: 'use deploy.resources.limits.memory',
  memswap_limit: 'swarm services have no swap limit; use deploy.resources.limits.memory',
};

/** Accepted by docker stack deploy's schema, then never converted: Docker says nothing, Shoal warns. */
const SILENTLY_IGNORED: Record<string, string> = {
  depends_on:
    'docker stack deploy starts all services at once, in no order: make each service wait for or retry what it needs',
  tmpfs: 'docker stack deploy does not convert service-level tmpfs: use a volumes entry with type: tmpfs',
  group_add: 'docker stack deploy does not pass supplementary groups to swarm services',
};

/** Reports ignored, deprecated, forbidden and silently ignored keys of every service. */
export function checkKeyClasses(data: Record<string, unknown>, reporter: ComposeReporter): void {
  const services = data.services;
  if (!services || typeof services !== 'object' || Array.isArray(services)) return;
  for (const [name, service] of Object.entries(services)) {
    if (!service || typeof service !== 'object' || Array.isArray(service)) continue;
    for (const key of Object.keys(service)) {
      const path = ['services', name, key];
      const where = formatPath(path);
      if (key in FORBIDDEN) {
        reporter.error(path, `${where}: not supported by docker stack deploy: ${FORBIDDEN[key]}`, 'key');
      } else if (key in IGNORED) {
        const why = IGNORED[key];
        reporter.warning(
          path,
          `${where}: ignored: not supported by docker stack deploy${why ? ` (${why})` : ''}`,
          'key',
        );
      } else if (key in DEPRECATED) {
        reporter.warning(path, `${where}: ignored: ${DEPRECATED[key]}`, 'key');
      } else if (key in SILENTLY_IGNORED) {
        reporter.warning(path, `${where}: ignored: ${SILENTLY_IGNORED[key]}`, 'key');
      }
    }
  }
}
