import * as fs from 'node:fs';
import { InvalidArgumentError } from './util/errors';

/** The agent's configuration file (`shoal agent --config FILE`), JSON. Every key is optional. */
export interface AgentConfig {
  /** Also serve the API on TCP, e.g. "127.0.0.1:2377". Needs `tls` unless the address is loopback. */
  listen?: string;
  /** PEM files for the TCP listener. */
  tls?: { cert: string; key: string };
  /** Node heartbeat period in seconds (a node is down after 3 missed beats). Default 5. */
  heartbeatSeconds?: number;
  scheduler?: {
    /** spread (default), binpack, random, or one a plugin registers. */
    strategy?: string;
    /** Modules that export `filters` and/or `strategies` to register. Paths relative to the config file. */
    plugins?: string[];
  };
}

const SHAPE: Record<string, string | Record<string, string>> = {
  listen: 'string',
  tls: { cert: 'string', key: 'string' },
  heartbeatSeconds: 'number',
  scheduler: { strategy: 'string', plugins: 'string[]' },
};

/** Reads and validates a config file; errors name the file, the key, and for syntax errors line:column. */
export function loadConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(
      `${file}:${syntaxPosition(text, error as Error)}: ${(error as Error).message}`,
    );
  }
  checkShape(data, SHAPE, file, '');
  const config = data as AgentConfig;
  if (
    config.heartbeatSeconds !== undefined &&
    !(config.heartbeatSeconds > 0 && config.heartbeatSeconds <= 300)
  ) {
    throw new InvalidArgumentError(
      `${file}: heartbeatSeconds must be between 0 and 300, got ${config.heartbeatSeconds}`,
    );
  }
  return config;
}

function checkShape(value: unknown, shape: Record<string, unknown>, file: string, prefix: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${file}: ${prefix || 'the top level'} must be an object`);
  }
  for (const [key, v] of Object.entries(value)) {
    const expected = shape[key];
    const where = prefix ? `${prefix}.${key}` : key;
    if (expected === undefined) {
      throw new InvalidArgumentError(
        `${file}: unknown key "${where}" (expected one of ${Object.keys(shape)
          .map((k) => (prefix ? `${prefix}.${k}` : k))
          .join(', ')})`,
      );
    }
    if (typeof expected === 'object') {
      checkShape(v, expected as Record<string, unknown>, file, where);
    } else if (expected === 'string[]') {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
        throw new InvalidArgumentError(`${file}: "${where}" must be a list of strings`);
      }
    } else if (typeof v !== expected) {
      throw new InvalidArgumentError(
        `${file}: "${where}" must be a ${String(expected)}, got ${JSON.stringify(v)}`,
      );
    }
  }
}

/** JSON.parse reports a character offset ("at position N"); turn it into line:column. */
function syntaxPosition(text: string, error: Error): string {
  const match = /position (\d+)/.exec(error.message);
  if (!match) return '1:1';
  const offset = Number(match[1]);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}`;
}
