import type { ServiceSpec } from '../types/swarm';

/**
 * What the compose loader reads and produces. Clients (the `shoal` CLI, the extension) read the files and send
 * their text; the agent owns parsing, validation and conversion, so a stack means the same from every client.
 */

/** One file as the client read it. `path` is the client's absolute path, used only in messages. */
export interface SourceFile {
  path: string;
  content: string;
}

export interface StackFiles {
  compose: SourceFile;
  /** The `.env` beside the compose file, when there is one (read for interpolation; Docker's CLI ignores it). */
  dotEnv?: SourceFile;
  /** Files named by `env_file:`, resolved against the compose file's folder. A missing one is an error there. */
  envFiles?: SourceFile[];
}

export type Severity = 'error' | 'warning';

/** A problem in a file, at 1-based line and column (VS Code's Problems view and `file:line:column`). */
export interface ComposeDiagnostic {
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Where in the document, as a dotted key path: `services.web.deploy.replicas`. */
  keyPath: string;
}

/** The body of `POST /networks/create` for one of the stack's networks. */
export interface StackNetworkSpec {
  Name: string;
  Driver: string;
  Labels: Record<string, string>;
  Options?: Record<string, string>;
  Internal?: boolean;
  Attachable?: boolean;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string }> };
}

export interface StackNetwork {
  /** The key under top-level `networks:` (`default` for the implicit one). */
  key: string;
  /** The cluster network's name: `<stack>_<key>`, or `name:` / the external name. */
  name: string;
  /** External networks must exist already and are never created or removed by the stack. */
  external: boolean;
  spec: StackNetworkSpec;
}

export interface StackService {
  /** The key under `services:`. */
  key: string;
  /** `<stack>_<key>`. */
  name: string;
  spec: ServiceSpec;
}

export interface ConvertedStack {
  name: string;
  services: StackService[];
  networks: StackNetwork[];
}

export interface ComposeLoadResult {
  /** Absent exactly when `diagnostics` holds an error: then nothing may be applied. */
  stack?: ConvertedStack;
  /** Errors and warnings, in file order. */
  diagnostics: ComposeDiagnostic[];
}

/** The label Docker puts on every object of a stack. */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';
/** The service label Docker puts on a stack's services, holding the image as written. */
export const STACK_IMAGE_LABEL = 'com.docker.stack.image';
