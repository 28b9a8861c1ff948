import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { SourceMap, type LineIndex, type Path, type Span } from './positions';

/** A problem found while reading the YAML text, at a character span. */
export interface YamlProblem {
  severity: 'error' | 'warning';
  message: string;
  span: Span;
}

export interface ParsedYaml {
  /** Plain data (mappings, lists, scalars) with aliases and `<<` merge keys resolved. Undefined on errors. */
  data?: unknown;
  map: SourceMap;
  lines: LineIndex;
  problems: YamlProblem[];
}

/** Aliases expanded beyond this many nodes are a "billion laughs" document, refused. */
const MAX_ALIAS_COUNT = 100;
/** A bound on the nodes of the expanded document, whatever the aliases. */
const MAX_NODES = 200_000;

class YamlLimitError extends Error {}

/**
 * Parses a compose file with the `yaml` package (YAML 1.2 core schema, `<<` merge keys, anchors and aliases;
 * duplicate keys are errors) and records the span of every key and value by path.
 */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  const lines: LineIndex = {
    position: (offset) => {
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    },
  };
  const map = new SourceMap();
  const problems: YamlProblem[] = [];
  for (const error of doc.errors) {
    problems.push({
      severity: 'error',
      message: yamlErrorMessage(error.code, error.message, text, error.pos),
      span: { start: error.pos[0], end: error.pos[1] },
    });
  }
  for (const warning of doc.warnings) {
    problems.push({
      severity: 'warning',
      message: `YAML: ${warning.message}`,
      span: { start: warning.pos[0], end: warning.pos[1] },
    });
  }
  if (doc.errors.length > 0) return { map, lines, problems };

  // The yaml package's own check for documents whose aliases expand exponentially.
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const alias = firstAliasSpan(doc);
    const message = (error as Error).message;
    problems.push({
      severity: 'error',
      message: /excessive alias count/i.test(message)
        ? 'YAML: too many aliases: the document expands exponentially (a "billion laughs" document)'
        : `YAML: ${message}`,
      span: alias ?? { start: 0, end: 0 },
    });
    return { map, lines, problems };
  }
  try {
    const data = new Walker(doc, map, problems).walk(doc.contents, [], true);
    return { data, map, lines, problems };
  } catch (error) {
    if (!(error instanceof YamlLimitError)) throw error;
    problems.push({ severity: 'error', message: error.message, span: { start: 0, end: 0 } });
    return { map, lines, problems };
  }
}

function yamlErrorMessage(code: string, message: string, text: string, pos: [number, number]): string {
  if (code === 'DUPLICATE_KEY') {
    const key = /^\s*(?:"([^"]*)"|'([^']*)'|([^:\n]*?))\s*:/.exec(text.slice(pos[0]));
    const name = key ? (key[1] ?? key[2] ?? key[3] ?? '') : '';
    return `duplicate key${name ? ` ${JSON.stringify(name)}` : ''}: keys in a YAML mapping must be unique`;
  }
  if (code === 'MULTIPLE_DOCS')
    return 'YAML: a compose file holds one document (found a second one after ---)';
  return `YAML syntax error: ${message}`;
}

function firstAliasSpan(doc: Document): Span | undefined {
  let found: Span | undefined;
  const visit = (node: unknown): void => {
    if (found || !node) return;
    if (isAlias(node)) {
      found = spanOf(node);
      return;
    }
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          visit(item.key);
          visit(item.value);
        } else visit(item);
      }
    }
  };
  visit(doc.contents);
  return found;
}

function spanOf(node: { range?: [number, number, number] | null }): Span | undefined {
  return node.range ? { start: node.range[0], end: node.range[1] } : undefined;
}

/** With `merge: true` the yaml package gives a plain `<<` key a symbol value; a quoted "<<" stays a string. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/** Turns the YAML tree into plain data, resolving aliases and merge keys, and records spans by path. */
class Walker {
  private nodes = 0;
  /** Nodes being expanded through aliases, to refuse an alias inside its own anchor. */
  private readonly expanding = new Set<unknown>();

  constructor(
    private readonly doc: Document,
    private readonly map: SourceMap,
    private readonly problems: YamlProblem[],
  ) {}

  walk(node: unknown, path: Path, recordSpan: boolean): unknown {
    if (++this.nodes > MAX_NODES) {
      throw new YamlLimitError(
        `YAML: the document is too large (more than ${MAX_NODES} nodes once expanded)`,
      );
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const span = spanOf(node);
      if (recordSpan && span) this.map.setValue(path, span);
      const target = node.resolve(this.doc);
      if (!target) {
        this.problems.push({
          severity: 'error',
          message: `YAML: unknown alias *${node.source}`,
          span: span ?? { start: 0, end: 0 },
        });
        return null;
      }
      if (this.expanding.has(target)) {
        this.problems.push({
          severity: 'error',
          message: `YAML: alias *${node.source} refers to the node that contains it`,
          span: span ?? { start: 0, end: 0 },
        });
        return null;
      }
      this.expanding.add(target);
      try {
        return this.walk(target, path, false);
      } finally {
        this.expanding.delete(target);
      }
    }
    const span = spanOf(node as YamlNode);
    if (recordSpan && span) this.map.setValue(path, span);
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((item, i) => this.walk(item, [...path, i], true));
    if (isMap(node)) return this.walkMap(node, path);
    return null;
  }

  private walkMap(node: YAMLMap, path: Path): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const { key, pair } of this.entries(node)) {
      const keySpan = spanOf(pair.key as YamlNode);
      if (keySpan) this.map.setKey([...path, key], keySpan);
      // `key:` with nothing after it has no value node: point at the key.
      if (pair.value === null && keySpan) this.map.setValue([...path, key], keySpan);
      result[key] = this.walk(pair.value, [...path, key], true);
    }
    return result;
  }

  /**
   * A mapping's entries with `<<` merge keys expanded: explicit keys win over merged ones, and among merged
   * mappings the first one listed wins. Merged entries keep the spans where they are written.
   */
  private entries(node: YAMLMap): Array<{ key: string; pair: Pair }> {
    const explicit: Array<{ key: string; pair: Pair }> = [];
    const merged: Array<{ key: string; pair: Pair }> = [];
    for (const pair of node.items) {
      if (isMergeKey(pair.key)) {
        for (const source of this.mergeSources(pair)) merged.push(...this.expandAlias(source));
        continue;
      }
      const key = this.keyText(pair.key);
      if (key !== undefined) explicit.push({ key, pair });
    }
    const seen = new Set<string>();
    const entries: Array<{ key: string; pair: Pair }> = [];
    for (const entry of [...explicit, ...merged]) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      entries.push(entry);
    }
    return entries;
  }

  private expandAlias(source: YAMLMap): Array<{ key: string; pair: Pair }> {
    if (this.expanding.has(source)) return [];
    this.expanding.add(source);
    try {
      return this.entries(source);
    } finally {
      this.expanding.delete(source);
    }
  }

  private mergeSources(pair: Pair): YAMLMap[] {
    const value = pair.value;
    const sources = isSeq(value) ? value.items : [value];
    const maps: YAMLMap[] = [];
    for (const source of sources) {
      const resolved = isAlias(source) ? source.resolve(this.doc) : source;
      if (isMap(resolved)) maps.push(resolved);
      else {
        this.problems.push({
          severity: 'error',
          message: 'YAML: a merge key (<<) takes a mapping or a list of mappings, such as <<: *defaults',
          span: spanOf((source ?? pair.key) as YamlNode) ?? { start: 0, end: 0 },
        });
      }
    }
    return maps;
  }

  private keyText(key: unknown): string | undefined {
    if (isScalar(key)) {
      if (key.value === null || key.value === undefined) {
        this.problems.push({
          severity: 'error',
          message: 'YAML: a mapping key is empty',
          span: spanOf(key) ?? { start: 0, end: 0 },
        });
        return undefined;
      }
      return String(key.value);
    }
    this.problems.push({
      severity: 'error',
      message: 'YAML: mapping keys must be plain strings, not mappings, lists or aliases',
      span: spanOf((key ?? {}) as YamlNode) ?? { start: 0, end: 0 },
    });
    return undefined;
  }
}
