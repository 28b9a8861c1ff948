import { isIPv4 } from 'node:net';
import type { NetworkSpec } from '../../types/swarm';
import { ForbiddenError, InvalidArgumentError } from '../../util/errors';
import { expectObject, parseLabels, rejectUnknownFields } from '../bodies';
import { ipv4NetworkContains, ipv4ToNumber, parseIpv4Cidr } from './ipv4';

const CREATE_FIELDS = [
  'Name',
  'CheckDuplicate',
  'Driver',
  'Scope',
  'EnableIPv4',
  'EnableIPv6',
  'IPAM',
  'Internal',
  'Attachable',
  'Ingress',
  'ConfigOnly',
  'ConfigFrom',
  'Options',
  'Labels',
];
/** Docker's own network names: creating one would shadow the engines' networks on every node. */
const PREDEFINED = ['bridge', 'host', 'none', 'ingress', 'docker_gwbridge'];
/** A Docker network name; on each node the network becomes a bridge network of this name. */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/**
 * The body of `POST /networks/create`, as Docker's `NetworkCreateRequest`. Only cluster networks exist in
 * Shoal (driver `overlay`, or none given); each is realised on each node as a bridge network of the same name.
 */
export function parseNetworkCreate(body: unknown): NetworkSpec {
  const fields = expectObject(body, 'network create request');
  rejectUnknownFields(fields, CREATE_FIELDS, 'network create request');
  const name = fields.Name;
  if (typeof name !== 'string' || name === '') throw new InvalidArgumentError('Name is required');
  if (!NETWORK_NAME.test(name)) {
    throw new InvalidArgumentError(
      `invalid network name ${JSON.stringify(name.slice(0, 64))}: use up to 128 letters, digits, "_", "." ` +
        'and "-", starting with a letter or digit',
    );
  }
  if (PREDEFINED.includes(name)) {
    throw new ForbiddenError(`${name} is a pre-defined network and cannot be created`);
  }
  const driver = optionalString(fields.Driver, 'Driver');
  if (driver !== '' && driver !== 'overlay') {
    throw new InvalidArgumentError(
      `network driver "${driver}" is not supported: Shoal manages only cluster networks (driver overlay, ` +
        'realised as a bridge network on each node); use -d overlay, or create a local network on an engine itself',
    );
  }
  const scope = optionalString(fields.Scope, 'Scope');
  if (scope !== '' && scope !== 'swarm') {
    throw new InvalidArgumentError(`Scope "${scope}" is not supported: cluster networks have scope swarm`);
  }
  if (fields.Ingress === true) {
    throw new InvalidArgumentError(
      'ingress networks (the routing mesh) are not supported: publish ports in host mode instead',
    );
  }
  if (fields.EnableIPv6 === true)
    throw new InvalidArgumentError('EnableIPv6: IPv6 cluster networks are not supported');
  if (fields.EnableIPv4 === false) throw new InvalidArgumentError('EnableIPv4: cluster networks need IPv4');
  if (fields.ConfigOnly === true) throw new InvalidArgumentError('ConfigOnly networks are not supported');
  const configFrom = fields.ConfigFrom;
  if (configFrom !== undefined && configFrom !== null) {
    const network = expectObject(configFrom, 'ConfigFrom').Network;
    if (network !== undefined && network !== '') {
      throw new InvalidArgumentError('ConfigFrom is not supported: give the IPAM configuration directly');
    }
  }
  const spec: NetworkSpec = {
    Name: name,
    Driver: 'overlay',
    Labels: parseLabels(fields.Labels, 'Labels'),
    Attachable: optionalBoolean(fields.Attachable, 'Attachable'),
    Internal: optionalBoolean(fields.Internal, 'Internal'),
    Options: parseLabels(fields.Options, 'Options'),
  };
  const ipam = parseIpam(fields.IPAM);
  if (ipam) spec.IPAM = ipam;
  return spec;
}

function parseIpam(value: unknown): NetworkSpec['IPAM'] {
  if (value === undefined || value === null) return undefined;
  const ipam = expectObject(value, 'IPAM');
  rejectUnknownFields(ipam, ['Driver', 'Config', 'Options'], 'IPAM');
  const driver = optionalString(ipam.Driver, 'IPAM.Driver');
  if (driver !== '' && driver !== 'default') {
    throw new InvalidArgumentError(
      `IPAM.Driver "${driver}" is not supported: only the default IPAM driver is`,
    );
  }
  const configs = ipam.Config ?? [];
  if (!Array.isArray(configs)) throw new InvalidArgumentError('IPAM.Config must be a list');
  if (configs.length > 16) throw new InvalidArgumentError('IPAM.Config: more than 16 entries');
  return {
    Driver: 'default',
    Config: configs.map((config, i) => parseIpamConfig(config, `IPAM.Config[${i}]`)),
    Options: parseLabels(ipam.Options, 'IPAM.Options'),
  };
}

function parseIpamConfig(
  value: unknown,
  where: string,
): { Subnet?: string; Gateway?: string; IPRange?: string } {
  const config = expectObject(value, where);
  rejectUnknownFields(config, ['Subnet', 'Gateway', 'IPRange', 'AuxiliaryAddresses'], where);
  if (config.AuxiliaryAddresses !== undefined && config.AuxiliaryAddresses !== null) {
    if (Object.keys(expectObject(config.AuxiliaryAddresses, `${where}.AuxiliaryAddresses`)).length > 0) {
      throw new InvalidArgumentError(`${where}.AuxiliaryAddresses is not supported`);
    }
  }
  const subnetText = optionalString(config.Subnet, `${where}.Subnet`);
  const gateway = optionalString(config.Gateway, `${where}.Gateway`);
  const ipRange = optionalString(config.IPRange, `${where}.IPRange`);
  if (subnetText === '') {
    if (gateway !== '' || ipRange !== '')
      throw new InvalidArgumentError(`${where}: Gateway and IPRange need a Subnet`);
    return {};
  }
  const subnet = parseIpv4Cidr(subnetText);
  if (!subnet) {
    throw new InvalidArgumentError(
      `${where}.Subnet "${subnetText}" is not an IPv4 network in CIDR notation (such as 10.10.0.0/24)`,
    );
  }
  const parsed: { Subnet?: string; Gateway?: string; IPRange?: string } = { Subnet: subnetText };
  if (gateway !== '') {
    if (!isIPv4(gateway) || !ipv4NetworkContains(subnet, ipv4ToNumber(gateway))) {
      throw new InvalidArgumentError(`${where}.Gateway "${gateway}" is not an address in ${subnetText}`);
    }
    parsed.Gateway = gateway;
  }
  if (ipRange !== '') {
    const range = parseIpv4Cidr(ipRange);
    if (!range || range.prefix < subnet.prefix || !ipv4NetworkContains(subnet, range.base)) {
      throw new InvalidArgumentError(
        `${where}.IPRange "${ipRange}" is not a CIDR network within ${subnetText}`,
      );
    }
    parsed.IPRange = ipRange;
  }
  return parsed;
}

function optionalString(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new InvalidArgumentError(`${field} must be a string`);
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${field} must be true or false`);
  return value;
}
