import { which } from '../util/exec';

/** A program the sandbox runs, and the Debian package that provides it. */
interface Requirement {
  program: string;
  debianPackage: string;
}

const REQUIREMENTS: readonly Requirement[] = [
  { program: 'dockerd', debianPackage: 'docker.io' },
  { program: 'containerd', debianPackage: 'containerd (pulled in by docker.io)' },
  { program: 'ip', debianPackage: 'iproute2' },
  { program: 'iptables', debianPackage: 'iptables' },
  { program: 'unshare', debianPackage: 'util-linux' },
  { program: 'mount', debianPackage: 'mount' },
  { program: 'busybox', debianPackage: 'busybox-static' },
  { program: 'tar', debianPackage: 'tar' },
];

export class MissingPrerequisiteError extends Error {}

/**
 * Fails with one message that lists everything missing: being root and each program with its apt package.
 */
export async function checkPrerequisites(): Promise<void> {
  const problems: string[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    problems.push(
      'the sandbox must run as root (it creates network namespaces and starts dockerd): use sudo',
    );
  }
  const missing = await Promise.all(
    REQUIREMENTS.map(async (r) => ((await which(r.program)) === undefined ? r : undefined)),
  );
  for (const r of missing) {
    if (r) problems.push(`"${r.program}" is not installed: apt-get install ${r.debianPackage.split(' ')[0]}`);
  }
  const busybox = await which('busybox');
  if (busybox && !(await isStatic(busybox))) {
    problems.push(`${busybox} is not statically linked: apt-get install busybox-static`);
  }
  if (problems.length > 0) {
    throw new MissingPrerequisiteError(`cannot run the sandbox:\n  - ${problems.join('\n  - ')}`);
  }
}

/** A statically linked ELF has no PT_INTERP program header. */
async function isStatic(file: string): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  const elf = await readFile(file);
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) return false;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const type = elf.readUInt32LE(phoff + i * phentsize);
    if (type === 3 /* PT_INTERP */) return false;
  }
  return true;
}
