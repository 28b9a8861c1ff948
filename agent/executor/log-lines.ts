import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStream;
  /** The line without its newline. */
  line: string;
  /** RFC 3339 with nanoseconds, as the engine wrote it, when asked for timestamps. */
  timestamp?: string;
}

const HEADER_BYTES = 8;

/**
 * Turns the body of `GET /containers/{id}/logs` into LogLine objects. Without a TTY the engine multiplexes
 * stdout and stderr in frames (1 byte stream, 3 zero bytes, 4 bytes big-endian length, payload); with a TTY
 * it sends the raw terminal output, all of it stdout. Frames do not follow line boundaries, so each stream keeps
 * its own partial line.
 */
export class LogLineSplitter extends Transform {
  private frames: Buffer = Buffer.alloc(0);
  private readonly partial: Record<LogStream, string> = { stdout: '', stderr: '' };
  private readonly decoders: Record<LogStream, StringDecoder> = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };

  constructor(private readonly options: { multiplexed: boolean; timestamps: boolean }) {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!this.options.multiplexed) {
      this.text('stdout', chunk);
      done();
      return;
    }
    this.frames = this.frames.length === 0 ? chunk : Buffer.concat([this.frames, chunk]);
    while (this.frames.length >= HEADER_BYTES) {
      const size = this.frames.readUInt32BE(4);
      if (this.frames.length < HEADER_BYTES + size) break;
      const stream: LogStream = this.frames[0] === 2 ? 'stderr' : 'stdout';
      this.text(stream, this.frames.subarray(HEADER_BYTES, HEADER_BYTES + size));
      this.frames = this.frames.subarray(HEADER_BYTES + size);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      if (rest) this.emitLine(stream, rest);
      this.partial[stream] = '';
    }
    done();
  }

  private text(stream: LogStream, bytes: Buffer): void {
    const lines = (this.partial[stream] + this.decoders[stream].write(bytes)).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.emitLine(stream, line);
  }

  private emitLine(stream: LogStream, raw: string): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!this.options.timestamps) {
      this.push({ stream, line: text } satisfies LogLine);
      return;
    }
    const space = text.indexOf(' ');
    const line: LogLine =
      space > 0
        ? { stream, line: text.slice(space + 1), timestamp: text.slice(0, space) }
        : { stream, line: text };
    this.push(line);
  }
}
