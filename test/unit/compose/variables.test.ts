import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDotEnv, parseEnvFile } from '../../../agent/compose/dotenv';
import { type Lookup, substitute } from '../../../agent/compose/interpolate';
import { errors, lines, load, specOf, warnings } from './helpers';

const vars: Record<string, string> = { NAME: 'web', EMPTY: '', TAG: '1.27' };
const lookup: Lookup = (name) => vars[name];

function value(template: string): string {
  const result = substitute(template, lookup);
  assert.ok(result.ok, `${template}: ${result.ok ? '' : result.message}`);
  return result.value;
}

test('$VAR, ${VAR} and $$', () => {
  assert.equal(value('$NAME'), 'web');
  assert.equal(value('${NAME}'), 'web');
  assert.equal(value('nginx:${TAG}-alpine'), 'nginx:1.27-alpine');
  assert.equal(value('$NAME.example.com'), 'web.example.com');
  assert.equal(value('$$NAME costs $$5'), '$NAME costs $5');
  assert.equal(value('no variables'), 'no variables');
});

test('defaults and alternatives: with and without the colon', () => {
  assert.equal(value('${UNSET:-dflt}'), 'dflt');
  assert.equal(value('${EMPTY:-dflt}'), 'dflt');
  assert.equal(value('${NAME:-dflt}'), 'web');
  assert.equal(value('${UNSET-dflt}'), 'dflt');
  assert.equal(value('${EMPTY-dflt}'), '');
  assert.equal(value('${NAME:+alt}'), 'alt');
  assert.equal(value('${EMPTY:+alt}'), '');
  assert.equal(value('${EMPTY+alt}'), 'alt');
  assert.equal(value('${UNSET+alt}'), '');
  assert.equal(value('${UNSET:-}'), '');
});

test('nested defaults, evaluated only when used', () => {
  assert.equal(value('${UNSET:-${NAME}}'), 'web');
  assert.equal(value('${UNSET:-${ALSO_UNSET:-deep}}'), 'deep');
  assert.equal(value('${UNSET:-a ${NAME} b}'), 'a web b');
  const result = substitute('${NAME:-${NEVER_LOOKED_AT}}', lookup);
  assert.deepEqual(result, { ok: true, value: 'web', unset: [] });
});

test('an unset variable without a default is empty and listed once', () => {
  assert.deepEqual(substitute('$A-${A}-$B', lookup), { ok: true, value: '--', unset: ['A', 'B'] });
});

test('${VAR:?message} and ${VAR?message} are errors with the message', () => {
  assert.deepEqual(substitute('${UNSET:?set UNSET first}', lookup), {
    ok: false,
    message: 'required variable UNSET is missing a value: set UNSET first',
  });
  assert.deepEqual(substitute('${EMPTY:?}', lookup), {
    ok: false,
    message: 'required variable EMPTY is missing a value',
  });
  assert.equal(value('${EMPTY?must be set}'), '');
  assert.equal(value('${NAME:?x}'), 'web');
});

test('malformed templates are errors', () => {
  for (const [template, why] of [
    ['price: $5', 'a "$" must start a variable ($VAR or ${VAR}); write "$$" for a literal "$"'],
    ['trailing $', 'a "$" must start a variable ($VAR or ${VAR}); write "$$" for a literal "$"'],
    ['${', '"${" must be followed by a variable name'],
    ['${NAME', 'missing "}"'],
    ['${NAME:-x', 'missing "}"'],
    ['${1A}', '"${" must be followed by a variable name'],
    ['${NAME!}', 'unexpected "!" after ${NAME'],
  ]) {
    assert.deepEqual(
      substitute(template as string, lookup),
      { ok: false, message: `invalid interpolation in ${JSON.stringify(template)}: ${why}` },
      template,
    );
  }
});

test('the whole document: values, not keys; the environment over .env; .env fills the rest', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx:${TAG}',
      '    environment:',
      '      $KEY: ${FROM_DOTENV} ${OVERRIDDEN}',
      '    deploy:',
      '      replicas: ${REPLICAS}',
      '      labels:',
      '        price: $$5',
    ].join('\n'),
    {
      env: { TAG: '1.27', OVERRIDDEN: 'from-client' },
      dotEnv: 'FROM_DOTENV=dotenv\nOVERRIDDEN=from-dotenv\nREPLICAS=3\n',
    },
  );
  const spec = specOf(result, 'web');
  assert.equal(spec.TaskTemplate.ContainerSpec.Image, 'nginx:1.27');
  assert.deepEqual(spec.TaskTemplate.ContainerSpec.Env, ['$KEY=dotenv from-client']);
  assert.deepEqual(
    spec.Mode,
    { Replicated: { Replicas: 3 } },
    'replicas is cast to a number after interpolation',
  );
  assert.equal(spec.Labels?.price, '$5');
});

test('unset variables: one warning each, at the first use; ?err is an error at the value', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx:${TAG}',
      '    hostname: ${TAG}',
      '    user: ${WHO:?tell me who runs it}',
    ].join('\n'),
  );
  assert.deepEqual(warnings(result), [
    '3:12 warning The "TAG" variable is not set. Defaulting to a blank string.',
  ]);
  assert.deepEqual(errors(result), [
    '5:11 error services.web.user: required variable WHO is missing a value: tell me who runs it',
  ]);
  assert.equal(result.stack, undefined);
});

test('a value that cannot be cast after interpolation is an error, and reported once', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    read_only: ${RO}',
      '    deploy:',
      '      replicas: ${N}',
    ].join('\n'),
    { env: { N: 'two', RO: 'yes' } },
  );
  assert.deepEqual(errors(result), [
    '6:17 error services.web.deploy.replicas must be an integer, got "two" (from "${N}")',
  ]);
});

test('x- extension fields are interpolated too, and a bad template there is an error', () => {
  const result = load(['x-note: cost is $5', 'services:', '  web:', '    image: nginx'].join('\n'));
  assert.deepEqual(errors(result), [
    '1:9 error x-note: invalid interpolation in "cost is $5": a "$" must start a variable ($VAR or ${VAR}); write "$$" for a literal "$"',
  ]);
});

const none = (): undefined => undefined;

test('.env: KEY=VALUE, export, comments, blank lines, quotes and escapes', () => {
  const text = [
    '# a comment',
    '',
    'PLAIN=value',
    '  INDENTED = spaced value   ',
    'export EXPORTED=yes',
    'INLINE=value # a comment',
    'HASH=a#b',
    "SINGLE='literal $NOT ${INTERPOLATED} \\n'",
    'DOUBLE="tab\\there \\"quoted\\" \\\\ $$"',
    'MULTI="line one',
    'line two"',
    'EMPTY=',
    'QUOTED_HASH="a # b" # comment',
    'URL=http://example.com/?a=b',
  ].join('\n');
  const { vars, problems } = parseDotEnv(text, none);
  assert.deepEqual(problems, []);
  assert.deepEqual(Object.fromEntries(vars), {
    PLAIN: 'value',
    INDENTED: 'spaced value',
    EXPORTED: 'yes',
    INLINE: 'value',
    HASH: 'a#b',
    SINGLE: 'literal $NOT ${INTERPOLATED} \\n',
    DOUBLE: 'tab\there "quoted" \\ $',
    MULTI: 'line one\nline two',
    EMPTY: '',
    QUOTED_HASH: 'a # b',
    URL: 'http://example.com/?a=b',
  });
});

test('.env: values use earlier variables and the environment (which wins); a bare KEY is inherited', () => {
  const env: Record<string, string> = { HOST: 'client-host', INHERITED: 'from-env' };
  const { vars } = parseDotEnv(
    'HOST=dotenv-host\nPORT=80\nURL=http://${HOST}:$PORT\nINHERITED\nNOT_IN_ENV\n',
    (n) => env[n],
  );
  assert.equal(vars.get('URL'), 'http://client-host:80');
  assert.equal(vars.get('INHERITED'), 'from-env');
  assert.equal(vars.has('NOT_IN_ENV'), false);
});

test('.env errors carry the line and column in the .env file', () => {
  const result = load('services:\n  web:\n    image: ${IMAGE}\n', {
    dotEnv: 'IMAGE=nginx\nBAD NAME=1\n1ST=x\nOPEN="never closed\n',
  });
  assert.deepEqual(
    result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`),
    [
      '/proj/.env:2:1 invalid variable name "BAD NAME": use letters, digits and "_" (KEY=VALUE)',
      '/proj/.env:3:1 invalid variable name "1ST": use letters, digits and "_" (KEY=VALUE)',
      '/proj/.env:4:6 unterminated double quote',
    ],
  );
  assert.equal(result.stack, undefined, 'an error in .env is an error of the load');
});

test('env files are literal, as docker stack deploy reads them', () => {
  const { entries, problems } = parseEnvFile(
    '\uFEFF# comment\n  A=1\nB="quoted"\nC=\'single\'\nD=${NOT_INTERPOLATED} # not a comment\nE=\nINHERITED\nMISSING\n',
    (name) => (name === 'INHERITED' ? 'yes' : undefined),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    entries.map((e) => [e.name, e.value]),
    [
      ['A', '1'],
      ['B', 'quoted'],
      ['C', 'single'],
      ['D', '${NOT_INTERPOLATED} # not a comment'],
      ['E', ''],
      ['INHERITED', 'yes'],
      ['MISSING', undefined],
    ],
  );
});

test('env_file: string, list and { path, required }; environment wins; files merge in order', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    env_file: common.env',
      '    environment: [MODE=from-environment]',
      '  api:',
      '    image: api',
      '    env_file:',
      '      - common.env',
      '      - path: ./api.env',
      '      - path: optional.env',
      '        required: false',
    ].join('\n'),
    { envFiles: { 'common.env': 'MODE=common\nSHARED=1\n', 'api.env': 'MODE=api\n' } },
  );
  assert.deepEqual(specOf(result, 'web').TaskTemplate.ContainerSpec.Env, [
    'MODE=from-environment',
    'SHARED=1',
  ]);
  assert.deepEqual(specOf(result, 'api').TaskTemplate.ContainerSpec.Env, ['MODE=api', 'SHARED=1']);
});

test('env_file: a missing required file is an error at its entry; errors inside one are in that file', () => {
  const result = load(
    [
      'services:',
      '  web:',
      '    image: nginx',
      '    env_file:',
      '      - ./missing.env',
      '      - broken.env',
    ].join('\n'),
    { envFiles: { 'broken.env': 'GOOD=1\nBAD KEY=2\n=x\n' } },
  );
  assert.deepEqual(errors(result), [
    '5:9 error services.web.env_file[0]: env file "./missing.env" not found (looked for /proj/missing.env)',
    '6:9 error services.web.env_file[1]: env file "broken.env" has errors',
    '2:1 error variable "BAD KEY" contains whitespace',
    '3:1 error no variable name on this line ("=x")',
  ]);
  assert.deepEqual(
    result.diagnostics.map((d) => d.file),
    ['/proj/docker-compose.yml', '/proj/docker-compose.yml', '/proj/broken.env', '/proj/broken.env'],
  );
  assert.deepEqual(lines(result.diagnostics, 'warning'), []);
});

test('environment: list and mapping forms; a variable without a value takes the client environment', () => {
  const result = load(
    [
      'services:',
      '  list:',
      '    image: a',
      '    environment: [A=1, "B=x=y", C=, FROM_ENV, NOT_SET]',
      '  map:',
      '    image: a',
      '    environment:',
      '      NUMBER: 1.5',
      '      BOOL: true',
      '      EMPTY: ""',
      '      FROM_ENV:',
    ].join('\n'),
    { env: { FROM_ENV: 'client' } },
  );
  assert.deepEqual(specOf(result, 'list').TaskTemplate.ContainerSpec.Env, [
    'A=1',
    'B=x=y',
    'C=',
    'FROM_ENV=client',
    'NOT_SET',
  ]);
  assert.deepEqual(specOf(result, 'map').TaskTemplate.ContainerSpec.Env, [
    'BOOL=true',
    'EMPTY=',
    'FROM_ENV=client',
    'NUMBER=1.5',
  ]);
});
