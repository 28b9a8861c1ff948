import { InvalidArgumentError } from '../../util/errors';
import { parseBoolParam } from '../bodies';

/** What `GET /services/{id}/logs` and `/tasks/{id}/logs` take (Docker's ContainerLogsOptions). */
export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  timestamps: boolean;
  details: boolean;
  /** Last N lines per task; all when absent. */
  tail?: number;
  /** Seconds since the epoch; all lines when absent. */
  since?: number;
}

export function parseLogQuery(query: URLSearchParams): LogOptions {
  const options: LogOptions = {
    stdout: parseBoolParam(query, 'stdout'),
    stderr: parseBoolParam(query, 'stderr'),
    follow: parseBoolParam(query, 'follow'),
    timestamps: parseBoolParam(query, 'timestamps'),
    details: parseBoolParam(query, 'details'),
  };
  if (!options.stdout && !options.stderr) {
    throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
  }
  const tail = parseTail(query.get('tail') ?? '');
  if (tail !== undefined) options.tail = tail;
  const since = parseSince(query.get('since') ?? '');
  if (since !== undefined) options.since = since;
  return options;
}

/** `all`, empty or negative: everything; else a count of lines. */
export function parseTail(raw: string | number): number | undefined {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw))
      throw new InvalidArgumentError(`invalid tail value ${raw}: expected whole lines`);
    return raw < 0 ? undefined : raw;
  }
  if (raw === '' || raw === 'all') return undefined;
  if (!/^-?\d{1,9}$/.test(raw)) {
    throw new InvalidArgumentError(`invalid tail value "${raw}": expected a number of lines or "all"`);
  }
  const lines = Number(raw);
  return lines < 0 ? undefined : lines;
}

/** Docker's `since`: seconds since the epoch, with an optional fraction ("1700000000.5"); 0 means all. */
export function parseSince(raw: string | number): number | undefined {
  const text = String(raw);
  if (text === '' || text === '0') return undefined;
  if (!/^\d{1,12}(\.\d{1,9})?$/.test(text)) {
    throw new InvalidArgumentError(`invalid since value "${text}": expected seconds since the epoch`);
  }
  return Number(text);
}
