import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadStack } from '../../../agent/compose';
import { parseShortSyntax } from '../../../agent/compose/convert/ports';
import { errors, load, specOf, warnings } from './helpers';

test('short syntax as docker stack deploy reads it: ranges, protocols, host IPs', () => {
  const ingress = (TargetPort: number, PublishedPort?: number, Protocol: 'tcp' | 'udp' = 'tcp') =>
    PublishedPort === undefined
      ? { Protocol, TargetPort, PublishMode: 'ingress' }
      : { Protocol, TargetPort, PublishedPort, PublishMode: 'ingress' };
  assert.deepEqual(parseShortSyntax('80'), { ports: [ingress(80)] });
  assert.deepEqual(parseShortSyntax('8080:80'), { ports: [ingress(80, 8080)] });
  assert.deepEqual(parseShortSyntax('53:53/udp'), { ports: [ingress(53, 53, 'udp')] });
  assert.deepEqual(parseShortSyntax('127.0.0.1:8080:80'), {
    ports: [ingress(80, 8080)],
    hostIp: '127.0.0.1',
  });
  assert.deepEqual(parseShortSyntax('[::1]:8080:80'), { ports: [ingress(80, 8080)], hostIp: '::1' });
  assert.deepEqual(parseShortSyntax('127.0.0.1::80'), { ports: [ingress(80)], hostIp: '127.0.0.1' });
  assert.deepEqual(parseShortSyntax('8000-8001:80-81'), { ports: [ingress(80, 8000), ingress(81, 8001)] });
  assert.deepEqual(parseShortSyntax('9090-9091:8080'), { ports: [ingress(8080, 9090), ingress(8080, 9091)] });
  assert.deepEqual(parseShortSyntax('3000-3001'), { ports: [ingress(3000), ingress(3001)] });
  for (const [bad, why] of [
    ['80/icmp', 'unknown protocol "icmp" (tcp, udp or sctp)'],
    ['1:2:3:4', 'too many colons (expected [ip:]published:target)'],
    ['host:80:80', '"host" is not an IP address'],
    ['8080:http', '"http" is not a port or a port range'],
    ['0', '"0" is not a port or a port range'],
    ['70000:80', '"70000" is not a port or a port range'],
    ['8000-8002:80-81', 'the published and target ranges must have the same length'],
  ]) {
    assert.deepEqual(parseShortSyntax(bad as string), { error: why }, bad);
  }
});

test('long syntax with mode: host is published as written, sorted by published port', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    ports:',
      '      - { target: 443, published: 8443, mode: host }',
      '      - { target: 53, published: 5353, protocol: udp, mode: host }',
      '      - { target: 9000, mode: host }',
    ].join('\n'),
  );
  assert.deepEqual(specOf(result, 'web').EndpointSpec, {
    Ports: [
      { Protocol: 'tcp', TargetPort: 9000, PublishMode: 'host' },
      { Protocol: 'udp', TargetPort: 53, PublishedPort: 5353, PublishMode: 'host' },
      { Protocol: 'tcp', TargetPort: 443, PublishedPort: 8443, PublishMode: 'host' },
    ],
  });
});

test('ingress ports are errors at each entry, with the host-mode long syntax to write instead', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    ports:',
      '      - "8080:80"',
      '      - 9000',
      '      - "127.0.0.1:53:53/udp"',
      '      - target: 80',
      '        published: 81',
      '      - target: 80',
      '        published: 82',
      '        mode: ingress',
      '      - "8000-8001:80-81"',
      '      - target: 443',
      '        published: 8443',
      '        mode: host',
    ].join('\n'),
  );
  const mesh = 'ingress ports need the routing mesh, which Shoal does not have yet: publish with mode: host';
  assert.deepEqual(errors(result), [
    `5:9 error services.web.ports[0]: "8080:80" is an ingress port (the short syntax always is); ${mesh} (long syntax: { target: 80, published: 8080, mode: host })`,
    `6:9 error services.web.ports[1]: "9000" is an ingress port (the short syntax always is); ${mesh} (long syntax: { target: 9000, mode: host })`,
    `7:9 error services.web.ports[2]: "127.0.0.1:53:53/udp" is an ingress port (the short syntax always is); ${mesh} (long syntax: { target: 53, published: 53, protocol: udp, mode: host })`,
    `8:9 error services.web.ports[3]: mode defaults to ingress; ${mesh} (long syntax: { target: 80, published: 81, mode: host })`,
    `10:9 error services.web.ports[4]: mode is ingress; ${mesh} (long syntax: { target: 80, published: 82, mode: host })`,
    `13:9 error services.web.ports[5]: "8000-8001:80-81" is an ingress port (the short syntax always is); ${mesh} (long syntax: { target: 80, published: 8000, mode: host }, one entry per port)`,
  ]);
  assert.deepEqual(warnings(result), [
    '7:9 warning services.web.ports[2]: the host IP 127.0.0.1 is ignored: docker stack deploy publishes on every address',
  ]);
  assert.equal(result.stack, undefined);
});

test('a malformed short port is an error naming it', () => {
  assert.deepEqual(errors(load('services:\n  web:\n    image: a\n    ports: ["80/icmp"]\n')), [
    '4:13 error services.web.ports[0]: invalid port "80/icmp": unknown protocol "icmp" (tcp, udp or sctp)',
  ]);
});

test('a published port used twice is refused by the agent, at the second entry', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    ports:',
      '      - { target: 80, published: 8080, mode: host }',
      '      - { target: 81, published: 8080, mode: host }',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '6:9 error services.web.ports[1]: not accepted by the Shoal agent: published port 8080/tcp is already used by services.web.ports[0]',
  ]);
});

const NS = 'com.docker.stack.namespace';

test('networks: the default network, aliases, a custom name, external ones', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '  api:',
      '    image: api',
      '    networks:',
      '      back:',
      '        aliases: [backend]',
      '        driver_opts: { mtu: 1400 }',
      '      shared:',
      '      custom:',
      'networks:',
      '  back:',
      '  shared:',
      '    external: true',
      '  custom:',
      '    name: my-custom-net',
    ].join('\n'),
  );
  assert.deepEqual(specOf(result, 'web').TaskTemplate.Networks, [
    { Target: 'demo_default', Aliases: ['web'] },
  ]);
  assert.deepEqual(specOf(result, 'api').TaskTemplate.Networks, [
    { Target: 'demo_back', Aliases: ['backend', 'api'], DriverOpts: { mtu: '1400' } },
    { Target: 'my-custom-net', Aliases: ['api'] },
    { Target: 'shared', Aliases: ['api'] },
  ]);
  assert.deepEqual(
    result.stack?.networks.map((n) => [n.key, n.name, n.external]),
    [
      ['back', 'demo_back', false],
      ['shared', 'shared', true],
      ['custom', 'my-custom-net', false],
      ['default', 'demo_default', false],
    ],
  );
  assert.deepEqual(result.stack?.networks.find((n) => n.key === 'custom')?.spec, {
    Name: 'my-custom-net',
    Driver: 'overlay',
    Labels: { [NS]: 'demo' },
  });
  assert.deepEqual(warnings(result), []);
});

test('networks: undeclared ones are errors; unused ones are warnings and not created', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    networks: [front, missing]',
      '  api:',
      '    image: api',
      '    networks:',
      '      nowhere:',
      'networks:',
      '  front:',
      '  unused:',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '4:23 error services.web.networks[1]: network "missing" is not declared under the top-level networks key',
    '8:7 error services.api.networks.nowhere: network "nowhere" is not declared under the top-level networks key',
  ]);
  assert.deepEqual(warnings(result), [
    '11:3 warning networks.unused: not used by any service, so not created (as docker stack deploy does)',
  ]);
});

test('networks: what the agent refuses to create is an error at the key it came from', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    networks: [front, hostnet]',
      'networks:',
      '  front:',
      '    driver: bridge',
      '    ipam:',
      '      driver: custom',
      '      config:',
      '        - subnet: 10.0.0.0/33',
      '  hostnet:',
      '    name: host',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '7:13 error networks.front.driver: not accepted by the Shoal agent: network driver "bridge" is not supported: Shoal manages only cluster networks (driver overlay, realised as a bridge network on each node); use -d overlay, or create a local network on an engine itself',
    '9:15 error networks.front.ipam.driver: not accepted by the Shoal agent: "custom" is not supported: only the default IPAM driver is',
    '11:19 error networks.front.ipam.config[0].subnet: not accepted by the Shoal agent: "10.0.0.0/33" is not an IPv4 network in CIDR notation (such as 10.10.0.0/24)',
    '13:11 error networks.hostnet.name: not accepted by the Shoal agent: host is a pre-defined network and cannot be created',
  ]);
});

test('networks: external with settings warns; external.name is deprecated; with name it conflicts', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    networks: [a, b]',
      'networks:',
      '  a:',
      '    external: { name: old-style }',
      '    driver: overlay',
      '  b:',
      '    name: new-style',
      '    external:',
      '      name: old-style',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '12:13 error networks.b: external.name and name conflict; only use name',
  ]);
  assert.deepEqual(warnings(result), [
    '7:23 warning networks.a.external.name is deprecated: use networks.a.name',
    '8:5 warning networks.a.driver: ignored: an external network is used as it is, never created',
  ]);
});

test('volumes: bind (relative and ~), named, external, anonymous, tmpfs; short and long syntax', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    volumes:',
      '      - ./html:/usr/share/nginx/html:ro',
      '      - ~/certs:/certs',
      '      - /srv/logs:/logs:rshared',
      '      - data:/data:nocopy',
      '      - shared:/shared',
      '      - named:/named',
      '      - /anonymous',
      '      - type: tmpfs',
      '        target: /tmp',
      '      - type: bind',
      '        source: ../conf',
      '        target: /conf',
      '        bind: { propagation: rslave }',
      'volumes:',
      '  data:',
      '    labels: [backup=daily]',
      '  shared:',
      '    external: true',
      '  named:',
      '    name: exactly-this',
    ].join('\n'),
    { env: { HOME: '/home/me' } },
  );
  assert.deepEqual(specOf(result, 'web').TaskTemplate.ContainerSpec.Mounts, [
    { Type: 'bind', Source: '/proj/html', Target: '/usr/share/nginx/html', ReadOnly: true },
    { Type: 'bind', Source: '/home/me/certs', Target: '/certs' },
    { Type: 'bind', Source: '/srv/logs', Target: '/logs', BindOptions: { Propagation: 'rshared' } },
    {
      Type: 'volume',
      Source: 'demo_data',
      Target: '/data',
      VolumeOptions: { NoCopy: true, Labels: { backup: 'daily', [NS]: 'demo' } },
    },
    { Type: 'volume', Source: 'shared', Target: '/shared' },
    { Type: 'volume', Source: 'exactly-this', Target: '/named', VolumeOptions: { Labels: { [NS]: 'demo' } } },
    { Type: 'volume', Target: '/anonymous' },
    { Type: 'tmpfs', Target: '/tmp' },
    { Type: 'bind', Source: '/conf', Target: '/conf', BindOptions: { Propagation: 'rslave' } },
  ]);
});

test('volumes: undeclared volumes, bad mixes and unknown options', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    volumes:',
      '      - undeclared:/data',
      '      - type: tmpfs',
      '        source: x',
      '        target: /tmp',
      '      - type: bind',
      '        target: /nothing',
      '      - type: volume',
      '        source: v',
      '        target: /v',
      '        bind: { propagation: shared }',
      '      - type: npipe',
      '        source: \\\\.\\pipe\\docker_engine',
      '        target: \\\\.\\pipe\\docker_engine',
      '      - ./a:/a:z',
      '      - "vol::/x"',
      'volumes:',
      '  v:',
      '  ext:',
      '    external: true',
      '    driver: local',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '5:9 error services.web.volumes[0]: volume "undeclared" is not declared under the top-level volumes key',
    '6:9 error services.web.volumes[1]: a tmpfs mount has no source',
    '9:9 error services.web.volumes[2]: a bind mount needs a source (a path on the node)',
    '11:9 error services.web.volumes[3]: bind options are incompatible with type volume',
    '15:9 error services.web.volumes[4]: npipe mounts are not supported by Shoal (bind, volume and tmpfs are)',
    '19:9 error services.web.volumes[6]: invalid volume "vol::/x": empty section between colons',
    '24:5 error volumes.ext: "external" and "driver" conflict: an external volume is used as it is',
  ]);
  assert.deepEqual(warnings(result), [
    '18:9 warning services.web.volumes[5]: option "z" is ignored (docker stack deploy knows ro, rw, nocopy and bind propagation)',
    '22:3 warning volumes.ext: not used by any service, so it has no effect',
  ]);
});

test('volumes: the agent refuses binds of the host, at the entry', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    volumes:',
      '      - /srv/ok:/ok',
      '      - /var/run/docker.sock:/var/run/docker.sock',
      '      - /:/host',
    ].join('\n'),
  );
  assert.deepEqual(errors(result), [
    '6:9 error services.web.volumes[1]: not accepted by the Shoal agent: "/var/run/docker.sock" is refused: binding /var/run/docker.sock gives the container control of the host',
    '7:9 error services.web.volumes[2]: not accepted by the Shoal agent: "/" is refused: binding / gives the container control of the host',
  ]);
});

test('a Windows client: paths resolve against the compose folder the Windows way', () => {
  const result = loadStack(
    'demo',
    {
      compose: {
        path: 'C:\\proj\\docker-compose.yml',
        content:
          'services:\n  web:\n    image: nginx\n    env_file: web.env\n    volumes: ["./data:/data"]\n',
      },
      envFiles: [{ path: 'C:\\proj\\web.env', content: 'A=1\n' }],
    },
    {},
  );
  assert.deepEqual(errors(result), [
    '5:15 error services.web.volumes[0]: the bind source C:\\proj\\data is not an absolute path on the nodes: use an absolute Linux path such as /srv/data',
  ]);
});
