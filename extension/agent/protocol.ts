/**
 * The agent's WebSocket protocol (agent/api/websocket.ts), as the extension sees it. Everything that comes in
 * is checked here before use: the agent is trusted, but a message of the wrong shape must not break the UI.
 */

export const EVENT_TYPES = ['node', 'service', 'task', 'network'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type MessageId = number | string;

export interface ApiEvent {
  type: EventType;
  action: 'create' | 'update' | 'delete';
  id: string;
  object: unknown;
  index: number;
}

export interface Reply {
  id: MessageId | null;
  status: number;
  body?: unknown;
}

export interface LogLine {
  id: MessageId;
  name: string;
  taskId: string;
  serviceId?: string;
  nodeId?: string;
  stream: string;
  line: string;
  timestamp?: string;
}

export interface LogOptions {
  follow?: boolean;
  tail?: number | 'all';
  timestamps?: boolean;
  since?: string | number;
}

export type IncomingMessage =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'event'; event: ApiEvent }
  | { kind: 'log'; log: LogLine }
  | { kind: 'logWarning'; id: MessageId; message: string }
  | { kind: 'logEnd'; id: MessageId; incomplete: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMessageId(value: unknown): value is MessageId {
  return typeof value === 'number' || typeof value === 'string';
}

/** Decodes one text frame; undefined for anything that is not a message of the protocol. */
export function parseIncoming(text: string): IncomingMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  if (isRecord(parsed.event)) {
    const e = parsed.event;
    if (
      typeof e.type === 'string' &&
      (EVENT_TYPES as readonly string[]).includes(e.type) &&
      (e.action === 'create' || e.action === 'update' || e.action === 'delete') &&
      typeof e.id === 'string' &&
      typeof e.index === 'number' &&
      isRecord(e.object)
    ) {
      return {
        kind: 'event',
        event: { type: e.type as EventType, action: e.action, id: e.id, object: e.object, index: e.index },
      };
    }
    return undefined;
  }
  if (isRecord(parsed.log)) {
    const l = parsed.log;
    if (!isMessageId(l.id) || typeof l.line !== 'string') return undefined;
    const log: LogLine = {
      id: l.id,
      name: typeof l.name === 'string' ? l.name : '',
      taskId: typeof l.taskId === 'string' ? l.taskId : '',
      stream: typeof l.stream === 'string' ? l.stream : 'stdout',
      line: l.line,
    };
    if (typeof l.serviceId === 'string') log.serviceId = l.serviceId;
    if (typeof l.nodeId === 'string') log.nodeId = l.nodeId;
    if (typeof l.timestamp === 'string') log.timestamp = l.timestamp;
    return { kind: 'log', log };
  }
  if (isRecord(parsed.logWarning)) {
    const w = parsed.logWarning;
    if (!isMessageId(w.id)) return undefined;
    return { kind: 'logWarning', id: w.id, message: typeof w.message === 'string' ? w.message : '' };
  }
  if (isRecord(parsed.logEnd)) {
    const end = parsed.logEnd;
    if (!isMessageId(end.id)) return undefined;
    const incomplete = Array.isArray(end.incomplete)
      ? end.incomplete.filter((r): r is string => typeof r === 'string')
      : [];
    return { kind: 'logEnd', id: end.id, incomplete };
  }
  if (typeof parsed.status === 'number' && (isMessageId(parsed.id) || parsed.id === null)) {
    const reply: Reply = { id: parsed.id, status: parsed.status };
    if ('body' in parsed) reply.body = parsed.body;
    return { kind: 'reply', reply };
  }
  return undefined;
}

/** Docker's error body's `message`, else a generic description of the status. */
export function errorMessageOf(status: number, body: unknown): string {
  if (isRecord(body) && typeof body.message === 'string' && body.message !== '') return body.message;
  if (typeof body === 'string' && body.trim() !== '') return body.trim();
  return `the agent answered ${status}`;
}

/** A request the agent refused: `message` is the agent's own words. */
export class AgentRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly method: string = '',
    readonly path: string = '',
    /** The reply's body, for errors that carry more than a message (a compose file's diagnostics). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'AgentRequestError';
  }
}

/** No answer: the connection closed, or never opened. */
export class AgentUnavailableError extends Error {
  constructor(
    message: string,
    /** Why, for the fix-it action: no socket, refused, token rejected, ... */
    readonly reason: UnavailableReason = 'unreachable',
  ) {
    super(message);
    this.name = 'AgentUnavailableError';
  }
}

export type UnavailableReason = 'not-running' | 'unreachable' | 'unauthorized' | 'refused' | 'closed';
