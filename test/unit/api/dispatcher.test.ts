import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dispatcher, pathParam } from '../../../agent/api/dispatcher';
import type { ApiLog } from '../../../agent/api/options';
import { compareApiVersions, splitVersionPrefix } from '../../../agent/api/version';
import { ConflictError } from '../../../agent/util/errors';

function quietLog(lines: string[] = []): ApiLog {
  return { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

const dispatcher = new Dispatcher(
  [
    {
      method: 'GET',
      path: '/things/:id',
      handle: (r) => ({ status: 200, body: { id: pathParam(r, 'id') } }),
    },
    { method: 'GET', path: '/version-seen', handle: (r) => ({ status: 200, body: r.apiVersion }) },
    { method: 'POST', path: '/things', handle: (r) => ({ status: 201, body: r.body }) },
    {
      method: 'POST',
      path: '/conflict',
      handle: () => {
        throw new ConflictError('update out of sequence');
      },
    },
  ],
  quietLog(),
);

test('unversioned and /v1.xx paths reach the same route', async () => {
  for (const prefix of ['', '/v1.24', '/v1.41', '/v1.50', '/v1.51']) {
    const response = await dispatcher.dispatch({
      method: 'GET',
      url: `${prefix}/things/x%2Fy`,
      body: undefined,
    });
    assert.deepEqual(response, { status: 200, body: { id: 'x/y' } }, prefix);
  }
  const seen = await dispatcher.dispatch({ method: 'GET', url: '/v1.43/version-seen?x=1', body: undefined });
  assert.equal(seen.body, '1.43');
  const unversioned = await dispatcher.dispatch({ method: 'GET', url: '/version-seen', body: undefined });
  assert.equal(unversioned.body, '1.41');
});

test('too old or too new a version prefix is a 400 in Docker wording', async () => {
  const old = await dispatcher.dispatch({ method: 'GET', url: '/v1.12/things/a', body: undefined });
  assert.equal(old.status, 400);
  assert.match((old.body as { message: string }).message, /client version 1.12 is too old/);
  const future = await dispatcher.dispatch({ method: 'GET', url: '/v2.0/things/a', body: undefined });
  assert.equal(future.status, 400);
});

test('version comparison is numeric', () => {
  assert.ok(compareApiVersions('1.9', '1.24') < 0);
  assert.ok(compareApiVersions('1.41', '1.41') === 0);
  assert.deepEqual(splitVersionPrefix('/v1.41'), { apiVersion: '1.41', path: '/' });
});

test('unknown routes and methods are 404 page not found', async () => {
  for (const [method, url] of [
    ['GET', '/nope'],
    ['DELETE', '/things/a'],
    ['GET', '/things'],
    ['GET', '/things/a/b'],
    ['GET', '/v1.41x/things/a'],
  ] as const) {
    const response = await dispatcher.dispatch({ method, url, body: undefined });
    assert.deepEqual(response, { status: 404, body: { message: 'page not found' } }, `${method} ${url}`);
  }
});

test('HEAD is served by the GET route', async () => {
  const response = await dispatcher.dispatch({ method: 'HEAD', url: '/things/a', body: undefined });
  assert.equal(response.status, 200);
});

test('ShoalErrors keep their status; other errors are 500 without a stack', async () => {
  const conflict = await dispatcher.dispatch({ method: 'POST', url: '/conflict', body: {} });
  assert.deepEqual(conflict, { status: 409, body: { message: 'update out of sequence' } });
  const lines: string[] = [];
  const logged = new Dispatcher(
    [
      {
        method: 'GET',
        path: '/crash',
        handle: () => {
          throw new TypeError('boom');
        },
      },
    ],
    quietLog(lines),
  );
  const crash = await logged.dispatch({ method: 'GET', url: '/crash', body: undefined });
  assert.deepEqual(crash, { status: 500, body: { message: 'boom' } });
  assert.ok(!JSON.stringify(crash).includes('at '), 'no stack frames in the body');
  assert.ok(
    lines.some((l) => l.includes('TypeError: boom') && l.includes('at ')),
    'stack goes to the log',
  );
});

test('a malformed percent-encoding is a 400', async () => {
  const response = await dispatcher.dispatch({ method: 'GET', url: '/things/%E0%A4%A', body: undefined });
  assert.equal(response.status, 400);
});

test('a `:name+` parameter takes one or more segments, joined with "/"', async () => {
  const images = new Dispatcher(
    [
      {
        method: 'GET',
        path: '/distribution/:name+/json',
        handle: (r) => ({ status: 200, body: pathParam(r, 'name') }),
      },
    ],
    quietLog(),
  );
  const get = (url: string) => images.dispatch({ method: 'GET', url, body: undefined });
  assert.deepEqual(await get('/v1.41/distribution/nginx/json'), { status: 200, body: 'nginx' });
  assert.deepEqual(await get('/distribution/docker.io/library/nginx:1.27/json'), {
    status: 200,
    body: 'docker.io/library/nginx:1.27',
  });
  assert.equal((await get('/distribution/json')).status, 404);
  assert.equal((await get('/distribution/a//json')).status, 404);
  assert.equal((await get('/distribution/a/b')).status, 404);
});
