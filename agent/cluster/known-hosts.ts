import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * OpenSSH `known_hosts` lookup, so that ssh:// engines are only reached when their host key is one the user
 * already verified. ssh2 accepts any host key unless told otherwise, which would hand root on the engine
 * to whoever answers on that address.
 */

export interface KnownHostKeys {
  /** Raw public key blobs (the base64 field of a known_hosts line, decoded). */
  accepted: Buffer[];
  revoked: Buffer[];
}

export function defaultKnownHostsFiles(home = os.homedir()): string[] {
  return [path.join(home, '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function findHostKeys(files: string[], host: string, port: number): KnownHostKeys {
  const name = knownHostsName(host, port);
  const found: KnownHostKeys = { accepted: [], revoked: [] };
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (!entry || !hostPatternsMatch(entry.patterns, name)) continue;
      if (entry.marker === '@revoked') found.revoked.push(entry.key);
      // Host certificates are not supported: a @cert-authority line is not a key of the host itself.
      else if (entry.marker === undefined) found.accepted.push(entry.key);
    }
  }
  return found;
}

/** ssh2's `hostVerifier`: the key the server presented must be a known, non-revoked key of that host. */
export function hostKeyVerifier(keys: KnownHostKeys): (key: Buffer) => boolean {
  return (key) => !keys.revoked.some((k) => k.equals(key)) && keys.accepted.some((k) => k.equals(key));
}

interface KnownHostsLine {
  marker?: string;
  patterns: string;
  key: Buffer;
}

function parseLine(raw: string): KnownHostsLine | undefined {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return undefined;
  const fields = line.split(/\s+/);
  const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
  const [patterns, , keyBase64] = fields;
  if (!patterns || !keyBase64) return undefined;
  return { marker, patterns, key: Buffer.from(keyBase64, 'base64') };
}

function hostPatternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return hashedPatternMatches(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `|1|salt|hash` with hash = HMAC-SHA1(salt, name), both base64 (ssh-keygen -H). */
function hashedPatternMatches(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

function globMatches(pattern: string, name: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(name);
}
