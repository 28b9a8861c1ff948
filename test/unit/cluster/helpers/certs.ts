import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

export interface Pki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/**
 * A CA, a server certificate for `serverSan` (e.g. `IP:127.0.0.1`) and a client certificate, as Docker's
 * "protect the daemon socket" recipe makes them. Keys are written 0600.
 */
export function makePki(dir: string, name: string, serverSan: string): Pki {
  fs.mkdirSync(dir, { recursive: true });
  const f = (file: string): string => path.join(dir, `${name}-${file}`);
  openssl(dir, ['genrsa', '-out', f('ca-key.pem'), '2048']);
  openssl(dir, [
    'req',
    '-new',
    '-x509',
    '-days',
    '2',
    '-key',
    f('ca-key.pem'),
    '-subj',
    `/CN=${name}-ca`,
    '-out',
    f('ca.pem'),
  ]);
  for (const [who, ext] of [
    ['server', `subjectAltName=${serverSan}\nextendedKeyUsage=serverAuth\n`],
    ['client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    openssl(dir, ['genrsa', '-out', f(`${who}-key.pem`), '2048']);
    openssl(dir, [
      'req',
      '-new',
      '-key',
      f(`${who}-key.pem`),
      '-subj',
      `/CN=${name}-${who}`,
      '-out',
      f(`${who}.csr`),
    ]);
    fs.writeFileSync(f(`${who}.ext`), ext);
    openssl(dir, [
      'x509',
      '-req',
      '-days',
      '2',
      '-in',
      f(`${who}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca-key.pem'),
      '-CAcreateserial',
      '-extfile',
      f(`${who}.ext`),
      '-out',
      f(`${who}.pem`),
    ]);
    fs.chmodSync(f(`${who}-key.pem`), 0o600);
  }
  return {
    dir,
    caCert: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server-key.pem'),
    clientCert: f('client.pem'),
    clientKey: f('client-key.pem'),
  };
}
