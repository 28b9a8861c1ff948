import type { ConvertedStack, StackNetwork, StackService } from '../../../agent/compose/types';
import type { ServiceSpec } from '../../../agent/types/swarm';

/** A service as the compose loader converts it (`docker stack deploy`'s conversion): labels, network, alias. */
export function stackService(
  stack: string,
  key: string,
  change: (spec: ServiceSpec) => void = () => {},
): StackService {
  const name = `${stack}_${key}`;
  const spec: ServiceSpec = {
    Name: name,
    Labels: { 'com.docker.stack.namespace': stack, 'com.docker.stack.image': 'shoal/web:latest' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'shoal/web:latest',
        Labels: { 'com.docker.stack.namespace': stack },
      },
      Networks: [{ Target: `${stack}_default`, Aliases: [key] }],
    },
    Mode: { Replicated: { Replicas: 2 } },
    EndpointSpec: { Mode: 'vip' },
  };
  change(spec);
  return { key, name, spec };
}

export function stackNetwork(stack: string, key = 'default', external = false): StackNetwork {
  const name = external ? key : `${stack}_${key}`;
  return {
    key,
    name,
    external,
    spec: { Name: name, Driver: 'overlay', Labels: { 'com.docker.stack.namespace': stack } },
  };
}

export function converted(
  stack: string,
  services: StackService[],
  networks: StackNetwork[] = [stackNetwork(stack)],
): ConvertedStack {
  return { name: stack, services, networks };
}
