/**
 * YAML text -> a small tree in which every node and every mapping key knows its line and column.
 *
 * Built from js-yaml 5's event stream (`parseEvents`), whose events carry source offsets; scalars are
 * resolved with the YAML 1.2 core schema (the same rules as `yaml.load`). Problems the YAML itself
 * has (syntax, duplicate keys, non-string keys, unsupported tags, several documents) come back as
 * positioned messages, never as exceptions.
 */
import { CORE_SCHEMA, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type Event, type ScalarEvent } from "js-yaml";

export interface Pos {
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

export type Scalar = string | number | boolean | null;

export interface YEntry {
  key: string;
  keyPos: Pos;
  value: YNode;
}

export type YNode =
  | { kind: "map"; pos: Pos; entries: YEntry[] }
  | { kind: "seq"; pos: Pos; items: YNode[] }
  | {
      kind: "scalar";
      pos: Pos;
      value: Scalar;
      /** When the scalar's decoded text is written verbatim in the source starting at `pos` (plain or
       *  quoted without escapes, on one line): lets callers point inside it (comma-separated lists). */
      verbatim: boolean;
      /** Single- or double-quoted: `pos` is at the opening quote. */
      quoted: boolean;
    };

export interface YamlProblem {
  pos: Pos;
  message: string;
}

export type YamlResult = { ok: true; root: YNode | null; problems: YamlProblem[] } | { ok: false; problems: YamlProblem[] };

/** At most this many alias uses (`*name`) per document: keeps "billion laughs" documents cheap. */
const MAX_ALIASES = 100;
/** At most this many values once aliases are expanded: 2 aliases per level double the size, so a
 *  document within MAX_ALIASES can still describe 2^50 values ("billion laughs"). */
const MAX_EXPANDED_NODES = 50_000;

class Lines {
  readonly #starts: number[] = [0];
  constructor(text: string) {
    // Line breaks as YAML counts them: LF, CRLF, and a lone CR.
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.#starts.push(i + 1);
    }
  }
  pos(offset: number): Pos {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.#starts[lo]! + 1 };
  }
}

type Frame =
  | { kind: "map"; pos: Pos; anchor: string | null; children: YNode[]; keyPositions: Pos[] }
  | { kind: "seq"; pos: Pos; anchor: string | null; children: YNode[] };

export function parseYaml(text: string): YamlResult {
  const lines = new Lines(text);
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: 64 });
  } catch (e) {
    const err = e as { reason?: unknown; mark?: { line?: unknown; column?: unknown }; message?: unknown };
    const reason = typeof err.reason === "string" ? err.reason : String(err.message ?? e);
    const line = typeof err.mark?.line === "number" ? err.mark.line + 1 : 0;
    const col = typeof err.mark?.column === "number" ? err.mark.column + 1 : 0;
    return { ok: false, problems: [{ pos: { line, col }, message: `YAML syntax error: ${reason}` }] };
  }

  const problems: YamlProblem[] = [];
  const anchors = new Map<string, YNode>();
  const stack: Frame[] = [];
  let root: YNode | null = null;
  let documents = 0;
  let aliases = 0;
  /** Values each node stands for once aliases are expanded. */
  const sizes = new WeakMap<YNode, number>();
  const sizeOf = (n: YNode): number => sizes.get(n) ?? 1;
  let expandedTooLarge = false;

  const anchorOf = (start: number, end: number): string | null => (start >= 0 ? text.slice(start, end) : null);

  const emit = (node: YNode, anchor: string | null, keyPos?: Pos): void => {
    if (anchor !== null) anchors.set(anchor, node);
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (documents === 1) root = node;
      return;
    }
    top.children.push(node);
    if (top.kind === "map" && top.children.length % 2 === 1) top.keyPositions.push(keyPos ?? node.pos);
  };

  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT: {
        documents++;
        if (documents === 2) {
          problems.push({
            pos: { line: 0, col: 0 },
            message: "the file holds several YAML documents (---); put the whole configuration in one",
          });
        }
        break;
      }
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (ev.tagStart >= 0) {
          problems.push({ pos: lines.pos(ev.tagStart), message: `YAML tag ${text.slice(ev.tagStart, ev.tagEnd)} is not supported here; remove it` });
        }
        const pos = lines.pos(ev.start);
        const anchor = anchorOf(ev.anchorStart, ev.anchorEnd);
        stack.push(ev.type === EVENT_ID.MAPPING ? { kind: "map", pos, anchor, children: [], keyPositions: [] } : { kind: "seq", pos, anchor, children: [] });
        break;
      }
      case EVENT_ID.SCALAR: {
        const node = scalarNode(text, ev, lines, problems);
        emit(node, anchorOf(ev.anchorStart, ev.anchorEnd));
        break;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(ev.anchorStart, ev.anchorEnd);
        const pos = lines.pos(Math.max(0, ev.anchorStart - 1));
        aliases++;
        const target = anchors.get(name);
        if (aliases > MAX_ALIASES) {
          if (aliases === MAX_ALIASES + 1) problems.push({ pos, message: `more than ${MAX_ALIASES} aliases (*name); write the values out` });
          emit({ kind: "scalar", pos, value: null, verbatim: false, quoted: false }, null);
        } else if (target === undefined) {
          problems.push({ pos, message: `unknown alias *${name}: no anchor &${name} before it` });
          emit({ kind: "scalar", pos, value: null, verbatim: false, quoted: false }, null);
        } else if (sizeOf(target) > MAX_EXPANDED_NODES || expandedTooLarge) {
          if (!expandedTooLarge) problems.push({ pos, message: `aliases expand to more than ${MAX_EXPANDED_NODES} values; write the values out` });
          expandedTooLarge = true;
          emit({ kind: "scalar", pos, value: null, verbatim: false, quoted: false }, null);
        } else {
          emit(target, null, pos);
        }
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (frame === undefined) break; // end of a document
        let node: YNode;
        if (frame.kind === "seq") {
          node = { kind: "seq", pos: frame.pos, items: frame.children.map((c) => placeEmpty(c, frame.pos)) };
        } else {
          const entries: YEntry[] = [];
          const seen = new Map<string, Pos>();
          for (let i = 0; i + 1 < frame.children.length; i += 2) {
            const keyNode = frame.children[i]!;
            const keyPos = frame.keyPositions[i / 2] ?? keyNode.pos;
            const value = placeEmpty(frame.children[i + 1]!, keyPos);
            if (keyNode.kind !== "scalar" || keyNode.value === null) {
              problems.push({ pos: keyPos, message: "mapping keys must be plain strings" });
              continue;
            }
            const key = String(keyNode.value);
            const first = seen.get(key);
            if (first !== undefined) {
              problems.push({ pos: keyPos, message: `duplicate key ${JSON.stringify(key)} (first defined at line ${first.line})` });
              continue;
            }
            seen.set(key, keyPos);
            entries.push({ key, keyPos, value });
          }
          node = { kind: "map", pos: frame.pos, entries };
        }
        let size = 1;
        for (const c of frame.children) size += sizeOf(c);
        sizes.set(node, size);
        if (size > MAX_EXPANDED_NODES && !expandedTooLarge) {
          expandedTooLarge = true;
          problems.push({ pos: frame.pos, message: `aliases expand to more than ${MAX_EXPANDED_NODES} values; write the values out` });
          node = { kind: "scalar", pos: frame.pos, value: null, verbatim: false, quoted: false };
        }
        emit(node, frame.anchor);
        break;
      }
    }
  }
  return { ok: true, root, problems };
}

/** An empty value (no source offset) takes the position of its key or enclosing list. */
function placeEmpty(node: YNode, pos: Pos): YNode {
  return node.kind === "scalar" && node.pos.line === 0 ? { ...node, pos } : node;
}

function scalarNode(text: string, ev: ScalarEvent, lines: Lines, problems: YamlProblem[]): YNode {
  const quoted = ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED;
  const startOffset = quoted ? ev.valueStart - 1 : ev.valueStart;
  // An empty value has no offset: its position is filled in from its key or list (see placeEmpty).
  const pos = ev.valueStart < 0 ? { line: 0, col: 0 } : lines.pos(startOffset);
  const source = getScalarValue(text, ev);
  const raw = text.slice(ev.valueStart, ev.valueEnd);
  const verbatim =
    (ev.style === SCALAR_STYLE.PLAIN || quoted) && raw === source && !raw.includes("\n");
  let value: Scalar = source;
  if (ev.tagStart >= 0) {
    const tag = text.slice(ev.tagStart, ev.tagEnd);
    if (tag !== "!!str" && tag !== "!") {
      problems.push({ pos: lines.pos(ev.tagStart), message: `YAML tag ${tag} is not supported here; remove it` });
    }
  } else if (ev.style === SCALAR_STYLE.PLAIN) {
    const resolved = CORE_SCHEMA.resolveImplicitScalarTag(source).value;
    value = typeof resolved === "number" || typeof resolved === "boolean" || resolved === null ? resolved : source;
  }
  return { kind: "scalar", pos, value, verbatim, quoted };
}

/** Plain JS value of a node (maps become objects with the same key order). */
export function toPlain(node: YNode): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "seq") return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const e of node.entries) {
    Object.defineProperty(out, e.key, { value: toPlain(e.value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The node at `path` (keys and indices) under `node`, or undefined. */
export function nodeAt(node: YNode | undefined, path: readonly PropertyKey[]): YNode | undefined {
  let cur = node;
  for (const p of path) {
    if (cur === undefined) return undefined;
    if (cur.kind === "map") cur = cur.entries.find((e) => e.key === String(p))?.value;
    else if (cur.kind === "seq") cur = typeof p === "number" ? cur.items[p] : undefined;
    else return undefined;
  }
  return cur;
}

export function entryOf(node: YNode | undefined, key: string): YEntry | undefined {
  return node?.kind === "map" ? node.entries.find((e) => e.key === key) : undefined;
}
