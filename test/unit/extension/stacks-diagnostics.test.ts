import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComposeDiagnostic } from '../../../agent/compose/types';
import { AgentRequestError } from '../../../extension/agent/protocol';
import {
  firstError,
  groupByFile,
  mapDiagnostic,
  parseDiagnostics,
  stackErrorOf,
  toRange,
} from '../../../extension/stacks/diagnostics-map';

const COMPOSE = '/ws/app/compose.yaml';

function diagnostic(parts: Partial<ComposeDiagnostic> = {}): ComposeDiagnostic {
  return {
    severity: 'error',
    message: 'services.web: additional property "colour" is not allowed',
    file: COMPOSE,
    line: 3,
    column: 5,
    endLine: 3,
    endColumn: 11,
    keyPath: 'services.web.colour',
    ...parts,
  };
}

test('1-based lines and columns become 0-based ranges', () => {
  assert.deepEqual(toRange(diagnostic()), { startLine: 2, startCharacter: 4, endLine: 2, endCharacter: 10 });
  assert.deepEqual(toRange(diagnostic({ line: 1, column: 1, endLine: 4, endColumn: 2 })), {
    startLine: 0,
    startCharacter: 0,
    endLine: 3,
    endCharacter: 1,
  });
});

test('empty, inverted or nonsense ranges still mark one character', () => {
  assert.deepEqual(toRange(diagnostic({ endLine: 3, endColumn: 5 })), {
    startLine: 2,
    startCharacter: 4,
    endLine: 2,
    endCharacter: 5,
  });
  assert.deepEqual(toRange(diagnostic({ endLine: 1, endColumn: 1 })), {
    startLine: 2,
    startCharacter: 4,
    endLine: 2,
    endCharacter: 5,
  });
  assert.deepEqual(toRange(diagnostic({ line: 0, column: -3, endLine: Number.NaN, endColumn: 0 })), {
    startLine: 0,
    startCharacter: 0,
    endLine: 0,
    endCharacter: 1,
  });
});

test('severities and key paths are kept; a diagnostic without a file belongs to the compose file', () => {
  const warning = mapDiagnostic(diagnostic({ severity: 'warning', file: '' }), COMPOSE);
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.file, COMPOSE);
  assert.equal(warning.keyPath, 'services.web.colour');
});

test('diagnostics are grouped by file, in order', () => {
  const env = '/ws/app/.env';
  const grouped = groupByFile(
    [
      diagnostic({ message: 'a' }),
      diagnostic({ file: env, message: 'b', severity: 'warning' }),
      diagnostic({ message: 'c', line: 9 }),
      diagnostic({ file: '', message: 'd' }),
    ],
    COMPOSE,
  );
  assert.deepEqual([...grouped.keys()], [COMPOSE, env]);
  assert.deepEqual(
    grouped.get(COMPOSE)?.map((d) => d.message),
    ['a', 'c', 'd'],
  );
  assert.equal(grouped.get(env)?.[0]?.severity, 'warning');
});

test('the first error is named, even after warnings', () => {
  const list = [
    diagnostic({ severity: 'warning', message: 'w' }),
    diagnostic({ message: 'e1' }),
    diagnostic({ message: 'e2' }),
  ];
  assert.equal(firstError(list)?.message, 'e1');
  assert.equal(firstError([diagnostic({ severity: 'warning', message: 'w' })])?.message, 'w');
  assert.equal(firstError([]), undefined);
});

test("a 400 with diagnostics is the compose file's errors; anything else is not", () => {
  const body = { message: `${COMPOSE}:3:5: bad (and 1 more)`, diagnostics: [diagnostic(), { junk: true }] };
  const parsed = stackErrorOf(
    new AgentRequestError(400, body.message, 'POST', '/shoal/stacks/app/plan', body),
  );
  assert.equal(parsed?.message, body.message);
  assert.equal(parsed?.diagnostics.length, 1);
  assert.deepEqual(parsed?.diagnostics[0], diagnostic());
  assert.equal(
    stackErrorOf(new AgentRequestError(400, 'bad name', 'POST', '/x', { message: 'bad name' })),
    undefined,
  );
  assert.equal(stackErrorOf(new AgentRequestError(500, 'x', 'POST', '/x', body)), undefined);
  assert.equal(stackErrorOf(new Error('x')), undefined);
});

test('diagnostics of the wrong shape are dropped, missing positions default sensibly', () => {
  assert.deepEqual(parseDiagnostics('nope'), []);
  const [d] = parseDiagnostics([{ message: 'm', severity: 'warning', line: 7 }]);
  assert.deepEqual(d, {
    severity: 'warning',
    message: 'm',
    file: '',
    line: 7,
    column: 1,
    endLine: 7,
    endColumn: 1,
    keyPath: '',
  });
});
