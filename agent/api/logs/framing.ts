import type { LogStream } from '../../executor';

/** Docker's stream types in the multiplexed format (moby pkg/stdcopy). */
export const STREAM_TYPE = { stdin: 0, stdout: 1, stderr: 2, systemerr: 3 } as const;

/** One frame: 1 byte stream type, 3 zero bytes, 4 bytes big-endian payload length, then the payload. */
export function frame(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Where a log line came from: what the docker CLI turns into `service.slot.task@node`. */
export interface LogContext {
  nodeId: string;
  serviceId: string;
  taskId: string;
}

/**
 * The "details" Docker puts before each swarm log line (moby api/server/httputils/write_log_stream.go):
 * `key=value` pairs, query-escaped, comma-separated. The docker CLI splits the line at the first space and
 * parses these to name the task (cli/command/service/logs.go).
 */
export function detailsPrefix(context: LogContext): string {
  return [
    ['com.docker.swarm.node.id', context.nodeId],
    ['com.docker.swarm.service.id', context.serviceId],
    ['com.docker.swarm.task.id', context.taskId],
  ]
    .map(([key = '', value = '']) => `${goQueryEscape(key)}=${goQueryEscape(value)}`)
    .join(',');
}

export interface TaskLogLine {
  context: LogContext;
  stream: LogStream;
  line: string;
  /** RFC 3339 with nanoseconds, when timestamps were asked for. */
  timestamp?: string;
}

export interface LineFormat {
  details: boolean;
  timestamps: boolean;
}

/** The payload Docker writes for one line: `[timestamp ][details ]line\n`, one line per frame. */
export function formatLine(entry: TaskLogLine, format: LineFormat): Buffer {
  let text = entry.line;
  if (format.details) text = `${detailsPrefix(entry.context)} ${text}`;
  if (format.timestamps && entry.timestamp) text = `${entry.timestamp} ${text}`;
  return Buffer.from(`${text}\n`, 'utf8');
}

/** Go's url.QueryEscape: unreserved characters stay, a space becomes "+", the rest is %XX per UTF-8 byte. */
export function goQueryEscape(value: string): string {
  let escaped = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) escaped += c;
    else if (c === ' ') escaped += '+';
    else escaped += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return escaped;
}
