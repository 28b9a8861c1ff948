import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, which } from '../util/exec';
import type { NodeLayout } from './layout';

/** The demo and test image, built from Debian's static busybox: no registry needed. */
export const WEB_IMAGE = 'shoal/web:latest';
/** The same root filesystem whose command exits 1 at once: for failed updates and crash loops. */
export const CRASH_IMAGE = 'shoal/crash:latest';

/** What `up` imports into every node, with the image config each gets. */
export const SANDBOX_IMAGES: ReadonlyArray<{ image: string; cmd: string }> = [
  { image: WEB_IMAGE, cmd: 'CMD ["httpd","-f","-p","80","-h","/www"]' },
  { image: CRASH_IMAGE, cmd: 'CMD ["sh","-c","echo crashing; exit 1"]' },
];

/*
 * /entry serves its hostname and the variables named in SHOW_ENV (space-separated) on port 80.
 * A shell that is PID 1 ignores SIGTERM unless it traps it, and busybox httpd as PID 1 does too,
 * so the entry runs the command as a child and forwards TERM/INT: `docker stop` takes milliseconds.
 * The command's exit status becomes the container's (an image that must crash: `sh -c 'exit 1'`).
 */
/** Prints NAME=value for each name in SHOW_ENV; names that are not identifiers are skipped. */
const SHOW_ENV_FN = `show_env() {
  for name in $SHOW_ENV; do
    case "$name" in *[!A-Za-z0-9_]*|[0-9]*|'') continue ;; esac
    eval "value=\\\${$name-}"
    printf '%s=%s\\n' "$name" "$value"
  done
}
`;

const ENTRY = `#!/bin/sh
${SHOW_ENV_FN}
mkdir -p /www
{
  hostname
  show_env
} > /www/index.html
[ "$#" -gt 0 ] || set -- httpd -f -p 80 -h /www
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
wait "$child"
`;

const ENV_CGI = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
${SHOW_ENV_FN}
echo "host=$(hostname)"
show_env
`;

const CHANGES = [
  'ENTRYPOINT ["/entry"]',
  'WORKDIR /www',
  'EXPOSE 80',
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
];

/** Writes the image's root filesystem as a tar file and returns its path. */
export async function buildWebRootfs(outDir: string): Promise<string> {
  const busybox = await which('busybox');
  if (!busybox) throw new Error('busybox is not installed: apt-get install busybox-static');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-rootfs-'));
  try {
    for (const d of ['bin', 'etc', 'tmp', 'root', 'www/cgi-bin', 'proc', 'sys', 'dev']) {
      fs.mkdirSync(path.join(root, d), { recursive: true });
    }
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    fs.copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    const { stdout } = await run(busybox, ['--list']);
    for (const applet of stdout.split('\n').filter((a) => a && a !== 'busybox')) {
      fs.symlinkSync('busybox', path.join(root, 'bin', applet));
    }
    fs.writeFileSync(
      path.join(root, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
    );
    fs.writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    fs.writeFileSync(path.join(root, 'entry'), ENTRY, { mode: 0o755 });
    fs.writeFileSync(path.join(root, 'www', 'cgi-bin', 'env'), ENV_CGI, { mode: 0o755 });
    fs.mkdirSync(outDir, { recursive: true });
    const tar = path.join(outDir, 'web-rootfs.tar');
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tar, '.']);
    return tar;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `POST /images/create?fromSrc=-` with the tar as body: what `docker import --change ...` does. */
export function importImage(
  node: NodeLayout,
  tarFile: string,
  image = WEB_IMAGE,
  cmd = SANDBOX_IMAGES[0]!.cmd,
): Promise<void> {
  const [repo, tag] = image.split(':') as [string, string];
  const query = new URLSearchParams({ fromSrc: '-', repo, tag });
  for (const change of [...CHANGES, cmd]) query.append('changes', change);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath: node.socket,
        method: 'POST',
        path: `/images/create?${query.toString()}`,
        headers: { 'Content-Type': 'application/x-tar' },
        timeout: 60_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          // The engine streams JSON progress; an error arrives as {"error": ...} with status 200.
          const failed = (res.statusCode ?? 500) >= 300 || body.includes('"error"');
          if (failed) reject(new Error(`importing ${image} into ${node.name} failed: ${body.trim()}`));
          else resolve();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`importing ${image} into ${node.name} timed out`)));
    req.on('error', reject);
    fs.createReadStream(tarFile).on('error', reject).pipe(req);
  });
}
