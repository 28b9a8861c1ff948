import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The TCP listener's bearer token: 32 random bytes as hex, created once in a 0600 file and reused after.
 * Refuses a file that others can read (the token may have leaked) or that is not a token, rather than
 * silently replacing it. The token travels only through this file: never argv, env, URLs or logs.
 */
export function loadOrCreateToken(tokenFile: string): string {
  fs.mkdirSync(path.dirname(tokenFile), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('hex');
  try {
    writeExclusive(tokenFile, token);
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readToken(tokenFile);
}

/** Replaces the token file with a new token (written aside, then renamed over: never half a token). */
export function rotateTokenFile(tokenFile: string): string {
  fs.mkdirSync(path.dirname(tokenFile), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('hex');
  const aside = `${tokenFile}.${randomBytes(6).toString('hex')}.new`;
  writeExclusive(aside, token);
  try {
    fs.renameSync(aside, tokenFile);
  } catch (error) {
    fs.rmSync(aside, { force: true });
    throw error;
  }
  return token;
}

function writeExclusive(file: string, token: string): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  try {
    fs.writeSync(fd, `${token}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads an existing token file (the CLI and the extension use this to authenticate). */
export function readToken(tokenFile: string): string {
  const stat = fs.lstatSync(tokenFile);
  if (!stat.isFile()) throw new Error(`token file ${tokenFile} is not a regular file`);
  if ((stat.mode & 0o077) !== 0) {
    throw new Error(
      `token file ${tokenFile} is accessible to other users (mode ${(stat.mode & 0o777).toString(8)}); ` +
        'delete it to have a new token generated',
    );
  }
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new Error(`token file ${tokenFile} belongs to another user`);
  }
  const token = fs.readFileSync(tokenFile, 'utf8').trim();
  if (!TOKEN_PATTERN.test(token)) throw new Error(`token file ${tokenFile} does not hold a Shoal token`);
  return token;
}

/**
 * Constant-time comparison of a presented token with the expected one. Both sides are hashed first so
 * that neither a length difference nor a common prefix shortens the comparison.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token from an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(authorization ?? '');
  return match?.[1];
}
