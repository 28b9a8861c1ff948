import { posix, win32 } from 'node:path';
import type { ClientPaths, ConvertContext, Dict } from './convert/context';
import { dictOf, isDict } from './convert/context';
import { declareNetworks, stackNetworks } from './convert/networks';
import { convertService, type ConvertedService } from './convert/service';
import { checkVolumeDeclarations, warnAboutUnusedVolumes } from './convert/volumes';
import { ComposeReporter, Diagnostics } from './diagnostics';
import { parseDotEnv } from './dotenv';
import { interpolateDocument, type Lookup } from './interpolate';
import { checkKeyClasses } from './key-classes';
import { parseYaml } from './parse';
import { TextLines } from './positions';
import { checkServiceSpec } from './spec-check';
import { validateStackName } from './stack-name';
import type { ComposeLoadResult, ConvertedStack, StackFiles, StackService } from './types';
import { validateSchema } from './validate-schema';

/**
 * Loads a compose file as `docker stack deploy <name>` would: parse, interpolate, validate, convert to
 * service and network specs, and check each spec as the agent will. Pure: reads only what it is given.
 * The stack is returned only when there is no error; every error found is reported, in file order.
 */
export function loadStack(name: string, files: StackFiles, env: Record<string, string>): ComposeLoadResult {
  const diagnostics = new Diagnostics();
  const compose = files.compose;
  diagnostics.rankFile(compose.path);
  const composeLines = new TextLines(compose.content);

  const nameError = validateStackName(name);
  if (nameError) {
    diagnostics.add(
      { path: compose.path, lines: composeLines },
      'error',
      nameError,
      { start: 0, end: 0 },
      '',
    );
  }

  const lookup = environmentLookup(env, files, diagnostics);

  const parsed = parseYaml(compose.content);
  const locator = { path: compose.path, lines: parsed.lines };
  for (const problem of parsed.problems) {
    diagnostics.add(locator, problem.severity, problem.message, problem.span, '');
  }
  const reporter = new ComposeReporter(diagnostics, locator, parsed.map);
  if (parsed.problems.some((p) => p.severity === 'error') || parsed.data === undefined) {
    return done(diagnostics);
  }
  if (!isDict(parsed.data)) {
    reporter.errorAtSpan(
      { start: 0, end: compose.content.length },
      parsed.data === null
        ? 'the compose file is empty: it needs a services key'
        : 'the compose file must be a mapping of top-level keys (services, networks, volumes, ...)',
    );
    return done(diagnostics);
  }

  const data = interpolateDocument(parsed.data, lookup, reporter) as Dict;
  reporter.settle();
  checkKeyClasses(data, reporter);
  validateSchema(data, reporter);
  checkTopLevel(data, reporter);
  reporter.settle();

  // Conversion needs the shared sections intact (and a usable stack name); a broken service is still
  // converted as far as it goes, so that every error is found.
  const sharedBroken = ['networks', 'volumes'].some((key) => reporter.hasErrorsUnder([key]));
  if (sharedBroken || nameError) return done(diagnostics);
  const paths = clientPaths(compose.path);
  const ctx: ConvertContext = {
    stack: name,
    reporter,
    diagnostics,
    lookup,
    paths,
    composeDir: paths.dirname(compose.path),
    envFiles: new Map((files.envFiles ?? []).map((file) => [paths.normalize(file.path), file])),
    networks: dictOf(data.networks),
    volumes: dictOf(data.volumes),
    usedVolumes: new Set(),
  };
  const stack = convertStack(name, dictOf(data.services), ctx);
  return done(diagnostics, diagnostics.hasErrors() ? undefined : stack);
}

function convertStack(name: string, services: Dict, ctx: ConvertContext): ConvertedStack {
  checkVolumeDeclarations(ctx);
  const declarations = declareNetworks(ctx);
  const converted: ConvertedService[] = [];
  const usedBy = new Map<string, string[]>();
  for (const [key, raw] of Object.entries(services)) {
    // The schema has reported a service that is not a mapping; there is nothing to convert.
    if (!isDict(raw)) continue;
    const service = convertService(key, raw, declarations, ctx);
    converted.push(service);
    for (const network of service.networkKeys) usedBy.set(network, [...(usedBy.get(network) ?? []), key]);
  }
  const networks = stackNetworks(declarations, usedBy, ctx);
  warnAboutUnusedVolumes(ctx);
  const result: StackService[] = [];
  for (const service of converted) {
    if (!service.spec) continue;
    checkServiceSpec(service.spec, service.origins, ['services', service.key], ctx.reporter);
    result.push({ key: service.key, name: service.name, spec: service.spec });
  }
  return { name, services: result, networks };
}

/** Top-level checks the schema cannot express. */
function checkTopLevel(data: Dict, reporter: ComposeReporter): void {
  // Compose file format 3 (or none, the Compose specification); docker stack deploy refuses older formats.
  const version = data.version;
  if ((typeof version === 'string' || typeof version === 'number') && /^[12](\.|$)/.test(String(version))) {
    reporter.error(
      ['version'],
      `version: compose file format ${String(version)} is not supported by docker stack deploy: use version "3.8" (or leave version out)`,
    );
  }
  if (typeof data.name === 'string') {
    reporter.warning(['name'], 'name: ignored: the stack is named when it is deployed', 'key');
  }
  if (!isDict(data.services) || Object.keys(data.services).length === 0) {
    reporter.error(
      ['services'],
      'services: the compose file defines no services',
      data.services === undefined ? 'value' : 'key',
    );
  }
  for (const key of ['secrets', 'configs']) {
    if (data[key] !== undefined) {
      reporter.error([key], `${key}: ${key} are not supported by Shoal yet`, 'key');
    }
  }
}

/**
 * Variables for interpolation: the client's environment over the `.env` file beside the compose file
 * (docker stack deploy does not read `.env`; docker compose does, and so does Shoal).
 */
function environmentLookup(env: Record<string, string>, files: StackFiles, diagnostics: Diagnostics): Lookup {
  const fromEnv: Lookup = (variable) => {
    const value = Object.prototype.hasOwnProperty.call(env, variable) ? env[variable] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  if (!files.dotEnv) return fromEnv;
  const dotEnv = files.dotEnv;
  const parsed = parseDotEnv(dotEnv.content, fromEnv);
  const locator = { path: dotEnv.path, lines: new TextLines(dotEnv.content) };
  diagnostics.rankFile(dotEnv.path);
  for (const problem of parsed.problems) {
    diagnostics.add(locator, problem.severity, problem.message, problem.span, '');
  }
  return (variable) => fromEnv(variable) ?? parsed.vars.get(variable);
}

function done(diagnostics: Diagnostics, stack?: ComposeLoadResult['stack']): ComposeLoadResult {
  return stack ? { stack, diagnostics: diagnostics.sorted() } : { diagnostics: diagnostics.sorted() };
}

/** The client's path rules: Windows when the compose file's path is a Windows path, else POSIX. */
export function clientPaths(composePath: string): ClientPaths {
  const flavor = /^[A-Za-z]:[\\/]/.test(composePath) || composePath.startsWith('\\\\') ? win32 : posix;
  return {
    isAbsolute: (p) => flavor.isAbsolute(p),
    resolve: (base, p) => flavor.resolve(base, p),
    dirname: (p) => flavor.dirname(p),
    normalize: (p) => flavor.normalize(p),
  };
}
