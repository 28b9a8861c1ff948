import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadStack } from '../../../agent/compose';
import { parseYaml } from '../../../agent/compose/parse';
import { errors, fixtureFiles, load, specOf } from './helpers';

test('anchors, aliases and merge keys: explicit keys win, merged lists of mappings too', () => {
  const result = loadStack('demo', fixtureFiles('anchors'), {});
  assert.deepEqual(errors(result), []);
  const web = specOf(result, 'web');
  assert.equal(web.TaskTemplate.ContainerSpec.Image, 'example/app:1');
  assert.deepEqual(web.TaskTemplate.ContainerSpec.Args, ['serve']);
  assert.deepEqual(web.TaskTemplate.ContainerSpec.Env, ['LOG_LEVEL=info']);
  assert.deepEqual(web.Mode, { Replicated: { Replicas: 2 } });
  assert.deepEqual(web.EndpointSpec?.Ports, [
    { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' },
  ]);
  const worker = specOf(result, 'worker');
  assert.equal(worker.TaskTemplate.ContainerSpec.Image, 'example/worker:1');
  assert.deepEqual(worker.TaskTemplate.ContainerSpec.Env, ['LOG_LEVEL=info', 'QUEUE=jobs']);
  // A merged mapping is replaced as a whole, not merged deeply (YAML merge keys are shallow).
  assert.deepEqual(specOf(result, 'batch').Mode, { Global: {} });
});

test('positions inside merged content point where the text is written', () => {
  const text = [
    'x-d: &d',
    '  imagee: nginx',
    'services:',
    '  a:',
    '    <<: *d',
    '    image: a',
    '  b:',
    '    <<: *d',
    '    image: b',
  ].join('\n');
  const result = load(text);
  assert.deepEqual(errors(result), [
    '2:3 error services.a: unknown key "imagee" (did you mean "image"?)',
    '2:3 error services.b: unknown key "imagee" (did you mean "image"?)',
  ]);
});

test('YAML syntax errors have positions, and nothing else is checked', () => {
  assert.deepEqual(errors(load('services:\n  web:\n    image: [nginx\n')), [
    '4:1 error YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
  assert.deepEqual(errors(load('services:\n\tweb:\n    image: a\n')), [
    '2:1 error YAML syntax error: Tabs are not allowed as indentation',
  ]);
  assert.deepEqual(errors(load('services:\n  web:\n    image: "unclosed\n')), [
    '4:1 error YAML syntax error: Missing closing "quote',
  ]);
});

test('duplicate keys are errors at the second key', () => {
  assert.deepEqual(errors(load('services:\n  web:\n    image: a\n    image: b\n')), [
    '4:5 error duplicate key "image": keys in a YAML mapping must be unique',
  ]);
  assert.deepEqual(errors(load('services:\n  web:\n    image: a\n  web:\n    image: b\n')), [
    '4:3 error duplicate key "web": keys in a YAML mapping must be unique',
  ]);
});

test('an alias bomb is refused before anything is expanded', () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  ].join('\n');
  const started = Date.now();
  const result = load(bomb);
  assert.ok(Date.now() - started < 1000);
  assert.equal(result.diagnostics.length, 1);
  assert.equal(
    result.diagnostics[0]?.message,
    'YAML: too many aliases: the document expands exponentially (a "billion laughs" document)',
  );
  assert.equal(result.diagnostics[0]?.line, 2);
});

test('unknown aliases, several documents, empty files and non-mappings', () => {
  assert.deepEqual(errors(load('services:\n  web: *nothing\n')), [
    '2:8 error YAML: Unresolved alias (the anchor must be set before the alias): nothing',
  ]);
  assert.deepEqual(errors(load('services: {}\n---\nmore: 1\n')), [
    '2:1 error YAML: a compose file holds one document (found a second one after ---)',
  ]);
  assert.deepEqual(errors(load('')), ['1:1 error the compose file is empty: it needs a services key']);
  assert.deepEqual(errors(load('- a\n- b\n')), [
    '1:1 error the compose file must be a mapping of top-level keys (services, networks, volumes, ...)',
  ]);
});

test('the parser records key and value spans by path', () => {
  const parsed = parseYaml('services:\n  web:\n    ports:\n      - "80:80"\n');
  assert.deepEqual(parsed.map.keySpan(['services', 'web']), { start: 12, end: 15 });
  const value = parsed.map.valueSpan(['services', 'web', 'ports', 0]);
  assert.ok(value);
  assert.equal(parsed.lines.position(value.start).line, 4);
  assert.equal(parsed.lines.position(value.start).column, 9);
  // A path that is not in the file points at its nearest ancestor's key.
  assert.deepEqual(parsed.map.locate(['services', 'web', 'image']), { start: 12, end: 15 });
});
