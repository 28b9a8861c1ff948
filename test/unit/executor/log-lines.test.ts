import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { LogLineSplitter, type LogLine } from '../../../agent/executor/log-lines';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function lines(
  chunks: Buffer[],
  options: { multiplexed: boolean; timestamps: boolean },
): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const line of Readable.from(chunks).pipe(new LogLineSplitter(options)))
    out.push(line as LogLine);
  return out;
}

test('multiplexed frames split into lines per stream, even when frames and chunks cut lines apart', async () => {
  const bytes = Buffer.concat([
    frame(1, 'hel'),
    frame(2, 'oops\n'),
    frame(1, 'lo\nworld\n'),
    frame(1, 'tail'),
  ]);
  // Deliver in awkward pieces: through a header, and through a multi-byte character.
  const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 20), bytes.subarray(20)];
  assert.deepEqual(await lines(chunks, { multiplexed: true, timestamps: false }), [
    { stream: 'stderr', line: 'oops' },
    { stream: 'stdout', line: 'hello' },
    { stream: 'stdout', line: 'world' },
    { stream: 'stdout', line: 'tail' },
  ]);
});

test('a multi-byte character split across frames survives', async () => {
  const euro = Buffer.from('€\n');
  const h1 = Buffer.alloc(8);
  h1[0] = 1;
  h1.writeUInt32BE(1, 4);
  const h2 = Buffer.alloc(8);
  h2[0] = 1;
  h2.writeUInt32BE(euro.length - 1, 4);
  const bytes = Buffer.concat([h1, euro.subarray(0, 1), h2, euro.subarray(1)]);
  assert.deepEqual(await lines([bytes], { multiplexed: true, timestamps: false }), [
    { stream: 'stdout', line: '€' },
  ]);
});

test('TTY output is raw stdout; CRLF is trimmed; timestamps are split off', async () => {
  const raw = Buffer.from('2026-01-01T00:00:00.000000001Z one\r\n2026-01-01T00:00:01.5Z two\n');
  assert.deepEqual(await lines([raw], { multiplexed: false, timestamps: true }), [
    { stream: 'stdout', line: 'one', timestamp: '2026-01-01T00:00:00.000000001Z' },
    { stream: 'stdout', line: 'two', timestamp: '2026-01-01T00:00:01.5Z' },
  ]);
});
