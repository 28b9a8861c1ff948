import type { Mount } from '../../types/swarm';
import type { Path } from '../positions';
import { STACK_NAMESPACE_LABEL } from '../types';
import { parseSize } from './units';
import {
  booleanOf,
  dictOf,
  isDict,
  listOf,
  scalarText,
  stringOf,
  where,
  type ConvertContext,
  type Dict,
  type Origins,
} from './context';
import { mappingOf } from './environment';

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

/** One `volumes:` entry of a service, in the long syntax's terms. */
interface VolumeEntry {
  type: string;
  source?: string;
  target?: string;
  readOnly?: boolean;
  propagation?: string;
  noCopy?: boolean;
  tmpfsSize?: number;
  /** Sub-objects given, for Docker's "options are incompatible with type" checks. */
  options: Array<'bind' | 'volume' | 'tmpfs'>;
}

/**
 * A service's `volumes:` as `ContainerSpec.Mounts` (docker/cli convert/volume.go): bind mounts (relative
 * paths resolved against the compose file's folder, `~` against HOME), named volumes (`<stack>_<name>` unless
 * external or named), anonymous volumes and tmpfs mounts.
 */
export function convertVolumes(
  value: unknown,
  volumesPath: Path,
  ctx: ConvertContext,
  origins: Origins,
): Mount[] {
  const mounts: Mount[] = [];
  listOf(value).forEach((raw, i) => {
    const path = [...volumesPath, i];
    const entry =
      typeof raw === 'string'
        ? shortSyntax(raw, path, ctx)
        : isDict(raw)
          ? longSyntax(raw, path, ctx)
          : undefined;
    if (!entry) return;
    if (entry.source !== undefined && entry.type === 'volume') ctx.usedVolumes.add(entry.source);
    const mount = toMount(entry, path, ctx);
    if (!mount) return;
    origins.set(`TaskTemplate.ContainerSpec.Mounts[${mounts.length}]`, path);
    mounts.push(mount);
  });
  return mounts;
}

function shortSyntax(text: string, path: Path, ctx: ConvertContext): VolumeEntry | undefined {
  if (text === '') {
    ctx.reporter.error(path, `${where(path)}: empty volume`);
    return undefined;
  }
  const parts = splitVolumeSpec(text);
  if (parts.some((part) => part === '')) {
    ctx.reporter.error(
      path,
      `${where(path)}: invalid volume ${JSON.stringify(text)}: empty section between colons`,
    );
    return undefined;
  }
  if (parts.length > 3) {
    ctx.reporter.error(path, `${where(path)}: invalid volume ${JSON.stringify(text)}: too many colons`);
    return undefined;
  }
  if (parts.length === 1) return { type: 'volume', target: parts[0], options: [] };
  const [source = '', target, mode] = parts;
  const entry: VolumeEntry = { type: isFilePath(source) ? 'bind' : 'volume', source, target, options: [] };
  for (const option of mode === undefined ? [] : mode.split(',')) {
    if (option === 'ro') entry.readOnly = true;
    else if (option === 'rw') entry.readOnly = false;
    else if (option === 'nocopy') entry.noCopy = true;
    else if (PROPAGATIONS.includes(option)) entry.propagation = option;
    else {
      ctx.reporter.warning(
        path,
        `${where(path)}: option ${JSON.stringify(option)} is ignored (docker stack deploy knows ro, rw, nocopy and bind propagation)`,
      );
    }
  }
  if (entry.noCopy) entry.options.push('volume');
  if (entry.propagation) entry.options.push('bind');
  return entry;
}

/** Splits on colons, keeping a Windows drive letter (`C:\data`) with its path, as docker/cli does. */
function splitVolumeSpec(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (const char of text) {
    if (char === ':' && !(current.length === 1 && /[A-Za-z]/.test(current))) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

function isFilePath(source: string): boolean {
  if (/^[./~]/.test(source)) return true;
  return /^[A-Za-z]:/.test(source) || source.startsWith('\\\\');
}

function longSyntax(raw: Dict, path: Path, ctx: ConvertContext): VolumeEntry {
  const entry: VolumeEntry = {
    type: stringOf(raw.type) ?? 'volume',
    source: stringOf(raw.source),
    target: stringOf(raw.target),
    readOnly: booleanOf(raw.read_only),
    options: [],
  };
  if (raw.consistency !== undefined) {
    ctx.reporter.warning(
      [...path, 'consistency'],
      `${where([...path, 'consistency'])}: ignored: consistency applies to Docker Desktop for Mac only`,
      'key',
    );
  }
  if (raw.bind !== undefined) {
    entry.options.push('bind');
    entry.propagation = stringOf(dictOf(raw.bind).propagation);
  }
  if (raw.volume !== undefined) {
    entry.options.push('volume');
    entry.noCopy = booleanOf(dictOf(raw.volume).nocopy);
  }
  if (raw.tmpfs !== undefined) {
    entry.options.push('tmpfs');
    const size = dictOf(raw.tmpfs).size;
    if (size !== undefined) entry.tmpfsSize = parseSize(size as string | number);
  }
  return entry;
}

function toMount(entry: VolumeEntry, path: Path, ctx: ConvertContext): Mount | undefined {
  const incompatible = entry.options.find((option) => option !== entry.type);
  if (incompatible) {
    ctx.reporter.error(
      path,
      `${where(path)}: ${incompatible} options are incompatible with type ${entry.type}`,
    );
    return undefined;
  }
  if (!entry.target) {
    ctx.reporter.error(path, `${where(path)}: the mount needs a target (the path inside the container)`);
    return undefined;
  }
  const mount: Mount = { Type: 'volume', Target: entry.target };
  if (entry.readOnly) mount.ReadOnly = true;
  switch (entry.type) {
    case 'bind':
      return bindMount(mount, entry, path, ctx);
    case 'volume':
      return volumeMount(mount, entry, path, ctx);
    case 'tmpfs':
      if (entry.source) {
        ctx.reporter.error(path, `${where(path)}: a tmpfs mount has no source`);
        return undefined;
      }
      mount.Type = 'tmpfs';
      if (entry.tmpfsSize !== undefined) mount.TmpfsOptions = { SizeBytes: entry.tmpfsSize };
      return mount;
    default:
      ctx.reporter.error(
        path,
        `${where(path)}: ${entry.type} mounts are not supported by Shoal (bind, volume and tmpfs are)`,
      );
      return undefined;
  }
}

function bindMount(mount: Mount, entry: VolumeEntry, path: Path, ctx: ConvertContext): Mount | undefined {
  if (!entry.source) {
    ctx.reporter.error(path, `${where(path)}: a bind mount needs a source (a path on the node)`);
    return undefined;
  }
  let source = entry.source;
  if (source.startsWith('~')) {
    const home = ctx.lookup('HOME');
    if (home === undefined) {
      ctx.reporter.error(path, `${where(path)}: cannot expand "~": the client's environment has no HOME`);
      return undefined;
    }
    source = home + source.slice(1);
  }
  if (!ctx.paths.isAbsolute(source)) source = ctx.paths.resolve(ctx.composeDir, source);
  if (!source.startsWith('/')) {
    // A Windows client's path (C:\proj\data) means nothing on the nodes' Linux engines.
    ctx.reporter.error(
      path,
      `${where(path)}: the bind source ${source} is not an absolute path on the nodes: use an absolute Linux path such as /srv/data`,
    );
    return undefined;
  }
  mount.Type = 'bind';
  mount.Source = source;
  if (entry.propagation) mount.BindOptions = { Propagation: entry.propagation };
  return mount;
}

function volumeMount(mount: Mount, entry: VolumeEntry, path: Path, ctx: ConvertContext): Mount | undefined {
  if (!entry.source) {
    // An anonymous volume: a new one for each container.
    if (entry.noCopy) mount.VolumeOptions = { NoCopy: true };
    return mount;
  }
  if (!(entry.source in ctx.volumes)) {
    ctx.reporter.error(
      path,
      `${where(path)}: volume "${entry.source}" is not declared under the top-level volumes key`,
    );
    return undefined;
  }
  const volume = dictOf(ctx.volumes[entry.source]);
  const external = volume.external === true || isDict(volume.external);
  const externalName = isDict(volume.external) ? stringOf(volume.external.name) : undefined;
  mount.Source =
    stringOf(volume.name) ?? externalName ?? (external ? entry.source : `${ctx.stack}_${entry.source}`);
  const options: NonNullable<Mount['VolumeOptions']> = {};
  if (entry.noCopy) options.NoCopy = true;
  if (!external) {
    options.Labels = { ...mappingOf(volume.labels), [STACK_NAMESPACE_LABEL]: ctx.stack };
    const driver = stringOf(volume.driver);
    if (driver !== undefined || isDict(volume.driver_opts)) {
      options.DriverConfig = {};
      if (driver !== undefined) options.DriverConfig.Name = driver;
      if (isDict(volume.driver_opts)) {
        options.DriverConfig.Options = Object.fromEntries(
          Object.entries(volume.driver_opts).map(([key, value]) => [key, scalarText(value)]),
        );
      }
    }
  }
  if (Object.keys(options).length > 0) mount.VolumeOptions = options;
  return mount;
}

/** Top-level `volumes:`: what docker stack deploy refuses, and what it warns about. */
export function checkVolumeDeclarations(ctx: ConvertContext): void {
  for (const [key, raw] of Object.entries(ctx.volumes)) {
    const volume = dictOf(raw);
    const path: Path = ['volumes', key];
    const external = volume.external === true || isDict(volume.external);
    if (!external) continue;
    for (const conflicting of ['driver', 'driver_opts', 'labels']) {
      if (volume[conflicting] !== undefined) {
        ctx.reporter.error(
          [...path, conflicting],
          `${where(path)}: "external" and "${conflicting}" conflict: an external volume is used as it is`,
          'key',
        );
      }
    }
    if (isDict(volume.external) && typeof volume.external.name === 'string') {
      if (volume.name !== undefined) {
        ctx.reporter.error(
          [...path, 'external', 'name'],
          `${where(path)}: external.name and name conflict; only use name`,
        );
      } else {
        ctx.reporter.warning(
          [...path, 'external', 'name'],
          `${where([...path, 'external', 'name'])} is deprecated: use ${where(path)}.name`,
        );
      }
    }
  }
}

/** Declared volumes no service mounts: they have no effect (volumes are created where tasks mount them). */
export function warnAboutUnusedVolumes(ctx: ConvertContext): void {
  for (const key of Object.keys(ctx.volumes)) {
    if (ctx.usedVolumes.has(key)) continue;
    const path: Path = ['volumes', key];
    ctx.reporter.warning(path, `${where(path)}: not used by any service, so it has no effect`, 'key');
  }
}
