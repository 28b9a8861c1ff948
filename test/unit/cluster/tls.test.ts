import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { resolveEndpoint, type TlsFiles } from '../../../agent/cluster/endpoint';
import { DeadlineEngineClient } from '../../../agent/cluster/engine';
import { ping } from '../../../agent/cluster/engine-calls';
import { UnavailableError } from '../../../agent/util/errors';
import { hasOpenssl, makePki, type Pki } from './helpers/certs';
import { tempDir } from './helpers/fake-engine';

// Real TLS against a real https server demanding client certificates: the agent must verify the server.
const skip = hasOpenssl() ? false : 'openssl is not installed';
let pki: Pki;
let otherPki: Pki;
let server: https.Server;
let port: number;

before(async () => {
  if (skip) return;
  const dir = tempDir('shoal-tls-');
  pki = makePki(dir, 'good', 'IP:127.0.0.1');
  otherPki = makePki(dir, 'other', 'IP:127.0.0.1');
  server = https.createServer(
    {
      key: fs.readFileSync(pki.serverKey),
      cert: fs.readFileSync(pki.serverCert),
      ca: fs.readFileSync(pki.caCert),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('OK');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

function pingVia(url: string, tls: TlsFiles): Promise<unknown> {
  const { options } = resolveEndpoint({ url, tls });
  const client = new DeadlineEngineClient({
    nodeId: 't',
    label: url,
    docker: new Docker(options),
    deadlineMs: 3000,
  });
  return client.call('GET /_ping', (docker, signal) => ping(docker, signal));
}

test(
  'tcp:// with client certificates reaches an engine whose certificate the CA signed for that address',
  { skip },
  async () => {
    const answer = await pingVia(`tcp://127.0.0.1:${port}`, {
      caCert: pki.caCert,
      cert: pki.clientCert,
      key: pki.clientKey,
    });
    assert.equal(String(answer), 'OK');
  },
);

test('a server certificate whose SAN does not match the host is refused', { skip }, async () => {
  await assert.rejects(
    pingVia(`tcp://localhost:${port}`, { caCert: pki.caCert, cert: pki.clientCert, key: pki.clientKey }),
    (e: unknown) => e instanceof UnavailableError && /altnames|does not match/i.test(e.message),
  );
});

test('a server certificate from another CA is refused', { skip }, async () => {
  await assert.rejects(
    pingVia(`tcp://127.0.0.1:${port}`, { caCert: otherPki.caCert, cert: pki.clientCert, key: pki.clientKey }),
    (e: unknown) => e instanceof UnavailableError && /certificate/i.test(e.message),
  );
});

test('a client certificate that does not belong to the key is refused before connecting', { skip }, () => {
  assert.throws(
    () =>
      resolveEndpoint({
        url: `tcp://127.0.0.1:${port}`,
        tls: { caCert: pki.caCert, cert: otherPki.clientCert, key: pki.clientKey },
      }),
    /tls\.cert .* does not belong to tls\.key/,
  );
});
