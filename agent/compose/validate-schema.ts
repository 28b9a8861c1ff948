import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseCpus, parseDuration, parseSize } from './convert/units';
import type { ComposeReporter } from './diagnostics';
import { formatPath, type Path, type PathSegment } from './positions';
import schema from './schema.json';
import { closest } from './suggest';

/** Keys of the Compose specification that docker stack deploy (compose file format 3) does not know. */
const COMPOSE_SPEC_ONLY_SERVICE_KEYS = new Set([
  'annotations',
  'attach',
  'blkio_config',
  'cpu_count',
  'cpu_percent',
  'cpu_period',
  'cpu_rt_period',
  'cpu_rt_runtime',
  'cpus',
  'develop',
  'device_cgroup_rules',
  'dns_opt',
  'gpus',
  'label_file',
  'mem_reservation',
  'mem_swappiness',
  'models',
  'oom_kill_disable',
  'platform',
  'post_start',
  'pre_stop',
  'profiles',
  'provider',
  'pull_policy',
  'runtime',
  'scale',
  'storage_opt',
  'uts',
  'use_api_socket',
]);

const FORMAT_HINTS: Record<string, string> = {
  duration: 'a duration such as 10s, 1m30s or 500ms',
  size: 'a size such as 512m, 1g or 1024 (bytes; units b, k, m, g)',
  cpus: 'a number of CPUs such as 0.5 or 2',
};

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  // Compiling is most of the cost of a first load; unoptimized code without inlined refs compiles ~2x faster,
  // and validating files of this size takes no time either way.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strictTypes: false,
    allowUnionTypes: true,
    inlineRefs: false,
    code: { optimize: false },
  });
  ajv.addFormat('duration', {
    type: 'string',
    validate: (text: string) => parseDuration(text) !== undefined,
  });
  ajv.addFormat('size', { type: 'string', validate: (text: string) => parseSize(text) !== undefined });
  ajv.addFormat('cpus', { type: 'string', validate: (text: string) => parseCpus(text) !== undefined });
  compiled = ajv.compile(schema);
  return compiled;
}

/**
 * Validates compose data against Shoal's compose schema (`schema.json`) and reports every error with a
 * message a person understands, at the key or value it is about.
 */
export function validateSchema(data: unknown, reporter: ComposeReporter): void {
  const validate = validator();
  if (validate(data)) return;
  for (const error of validate.errors ?? []) reportError(error, data, reporter);
}

function reportError(error: ErrorObject, data: unknown, reporter: ComposeReporter): void {
  // The inner errors of `propertyNames`: the propertyNames error itself says it better.
  if (error.propertyName !== undefined) return;
  const path = toPath(error.instancePath, data);
  const where = formatPath(path);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      reporter.error([...path, key], unknownKeyMessage(path, key, parent), 'key');
      return;
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      reporter.error(
        [...path, key],
        `${where}: invalid name ${JSON.stringify(key)}: ${nameRule(path)}`,
        'key',
      );
      return;
    }
    case 'type': {
      const format = typeof parent.format === 'string' ? FORMAT_HINTS[parent.format] : undefined;
      const expected = format ?? describeTypes(params.type, parent);
      reporter.error(path, `${where} must be ${expected}, got ${describeValue(error.data)}`);
      return;
    }
    case 'enum': {
      const allowed = ((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ');
      reporter.error(path, `${where} must be one of ${allowed}, got ${describeValue(error.data)}`);
      return;
    }
    case 'required': {
      reporter.error(path, `${where}: missing required key "${String(params.missingProperty)}"`);
      return;
    }
    case 'format': {
      const hint = FORMAT_HINTS[String(params.format)] ?? `a valid ${String(params.format)}`;
      reporter.error(path, `${where}: ${JSON.stringify(error.data)} is not ${hint}`);
      return;
    }
    case 'minimum':
    case 'maximum': {
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most';
      reporter.error(
        path,
        `${where} must be ${bound} ${String(params.limit)}, got ${describeValue(error.data)}`,
      );
      return;
    }
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      const earlier = Math.min(Number(params.i), Number(params.j));
      reporter.error([...path, later], `${where}: entry [${later}] repeats entry [${earlier}]`);
      return;
    }
    default:
      reporter.error(path, `${where || 'the compose file'} ${error.message ?? 'is invalid'}`);
  }
}

function unknownKeyMessage(path: Path, key: string, parent: Record<string, unknown>): string {
  const where = path.length === 0 ? 'the top level' : formatPath(path);
  const head = path.length === 0 ? `unknown top-level key "${key}"` : `${where}: unknown key "${key}"`;
  const known = Object.keys((parent.properties ?? {}) as Record<string, unknown>);
  const isService = path.length === 2 && path[0] === 'services';
  if (isService && COMPOSE_SPEC_ONLY_SERVICE_KEYS.has(key)) {
    return `${head}: it is part of the Compose specification, but docker stack deploy (compose file format 3) does not support it`;
  }
  const suggestion = closest(key, known);
  if (suggestion) return `${head} (did you mean "${suggestion}"?)`;
  const allowsExtensions = (parent.patternProperties as Record<string, unknown> | undefined)?.['^x-'];
  return allowsExtensions ? `${head} (extension fields start with "x-")` : head;
}

function nameRule(path: Path): string {
  if (path[path.length - 1] === 'ulimits') return 'ulimit names are lower-case letters, such as nofile';
  if (path.length <= 1 || path[path.length - 1] === 'networks' || path[path.length - 1] === 'depends_on') {
    return 'use letters, digits, ".", "_" and "-"';
  }
  return 'keys must not be empty';
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

function describeTypes(types: unknown, parent: Record<string, unknown>): string {
  const list = (Array.isArray(types) ? types : String(types).split(','))
    .map(String)
    .filter((t) => t !== 'null');
  const itemType = (parent.items as Record<string, unknown> | undefined)?.type;
  const names = list.map((type) =>
    type === 'array' && itemType === 'string' ? 'a list of strings' : (TYPE_NAMES[type] ?? type),
  );
  if (list.includes('integer') && list.includes('number')) names.splice(list.indexOf('integer'), 1);
  if (names.length <= 1) return names[0] ?? 'empty';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A JSON pointer (`/services/web/ports/0`) as a path, with list indexes as numbers. */
function toPath(pointer: string, data: unknown): Path {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(segment);
      path.push(index);
      current = current[index];
    } else {
      path.push(segment);
      current =
        current && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}
