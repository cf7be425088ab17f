/**
 * GitHub's REST API description (`@octokit/openapi`, api.github.com) as a request checker for the
 * local GitHub: which operation a method + path is (the path template must exist), and whether a JSON
 * body validates against that operation's request-body schema.
 *
 * The validator covers the JSON-schema subset the description uses: type (string or list, with
 * OpenAPI's `nullable`), properties, required, additionalProperties (false or a schema), enum, const,
 * items, minItems/maxItems, minLength/maxLength, minimum/maximum, pattern, oneOf/anyOf/allOf, $ref.
 * Other keywords (format, description, default, examples, readOnly...) are ignored. `oneOf` is checked
 * as "at least one branch matches" (GitHub's schemas have overlapping object branches that its own
 * validator accepts). Errors read like GitHub's own 422s: "For 'properties/conclusion', "maybe" is
 * not a member of [...]".
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

type Schema = Record<string, any>;

export interface Operation {
  operationId: string;
  method: string;
  /** e.g. "/repos/{owner}/{repo}/git/refs/{ref}" */
  template: string;
  params: Record<string, string>;
  /** The application/json request-body schema, when the operation takes one. */
  bodySchema: Schema | null;
  bodyRequired: boolean;
  documentationUrl: string;
}

interface Compiled {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  literals: number;
  op: Schema;
}

interface Spec {
  doc: Schema;
  routes: Compiled[];
}

let cached: Spec | null = null;

function specPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@octokit/openapi/package.json")), "generated", "api.github.com.json");
}

function load(): Spec {
  if (cached) return cached;
  const doc = JSON.parse(readFileSync(specPath(), "utf8")) as Schema;
  const routes: Compiled[] = [];
  for (const [template, item] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      if (!["get", "post", "put", "patch", "delete", "head"].includes(method)) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Schema) => deref(doc, p));
      const multi = new Set(params.filter((p) => p.in === "path" && (p["x-multi-segment"] || p.name === "path")).map((p) => p.name as string));
      const names: string[] = [];
      let literals = 0;
      const source = template
        .split("/")
        .map((seg) => {
          const m = /^\{(.+)\}$/.exec(seg);
          if (!m) {
            if (seg) literals++;
            return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          }
          names.push(m[1]!);
          return multi.has(m[1]!) ? "(.+)" : "([^/]+)";
        })
        .join("/");
      routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), names, literals, op });
    }
  }
  // The most specific template wins: more literal segments first (…/git/refs/{ref} before …/{a}/{b}/{c}).
  routes.sort((a, b) => b.literals - a.literals || a.names.length - b.names.length);
  cached = { doc, routes };
  return cached;
}

function deref(doc: Schema, s: Schema): Schema {
  let cur = s;
  for (let i = 0; cur && typeof cur.$ref === "string" && i < 20; i++) {
    cur = cur.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce((o: Schema, k: string) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  }
  return cur;
}

/** The operation GitHub's API defines for `method` on the decoded `path` (no /api/v3 prefix), or null. */
export function findOperation(method: string, path: string): Operation | null {
  const spec = load();
  const m = method.toUpperCase();
  for (const r of spec.routes) {
    if (r.method !== m) continue;
    const hit = r.regex.exec(path);
    if (!hit) continue;
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => (params[n] = hit[i + 1]!));
    const body = r.op.requestBody ? deref(spec.doc, r.op.requestBody) : null;
    const json = body?.content?.["application/json"]?.schema;
    return {
      operationId: r.op.operationId,
      method: m,
      template: r.template,
      params,
      bodySchema: json ? deref(spec.doc, json) : null,
      bodyRequired: Boolean(body?.required),
      documentationUrl: r.op.externalDocs?.url ?? "https://docs.github.com/rest",
    };
  }
  return null;
}

/** Does GitHub's API have this path for any method? (To answer 404 vs. an unsupported method.) */
export function hasPath(path: string): boolean {
  return load().routes.some((r) => r.regex.test(path));
}

const typeOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? s.slice(0, 77) + "..." : s;
}

/** Errors of `value` against `schema` (empty when valid), each "For 'properties/a/items', ...". */
export function validate(schema: Schema, value: unknown): string[] {
  const doc = load().doc;
  const errors: string[] = [];
  check(doc, schema, value, "", errors);
  return errors;
}

function check(doc: Schema, raw: Schema, v: unknown, at: string, errors: string[]): void {
  const s = deref(doc, raw);
  if (!s || typeof s !== "object") return;
  const where = at === "" ? "For the request body" : `For '${at.replace(/^\//, "")}'`;
  if (v === null && (s.nullable === true || (Array.isArray(s.type) && s.type.includes("null")))) return;
  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    const actual = typeOf(v);
    const ok = types.some((t) => t === actual || (t === "number" && actual === "integer"));
    if (!ok) {
      errors.push(`${where}, ${show(v)} is not ${types.map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`)).join(" or ")}.`);
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(v))) {
    errors.push(`${where}, ${show(v)} is not a member of ${JSON.stringify(s.enum)}.`);
  }
  if ("const" in s && JSON.stringify(s.const) !== JSON.stringify(v)) errors.push(`${where}, ${show(v)} is not ${show(s.const)}.`);
  if (typeof v === "string") {
    if (typeof s.maxLength === "number" && v.length > s.maxLength) errors.push(`${where}, ${show(v)} is longer than ${s.maxLength} characters.`);
    if (typeof s.minLength === "number" && v.length < s.minLength) errors.push(`${where}, ${show(v)} is shorter than ${s.minLength} characters.`);
    if (typeof s.pattern === "string") {
      let re: RegExp | null = null;
      try {
        re = new RegExp(s.pattern, "u");
      } catch {
        re = null; // a pattern JavaScript cannot compile is not checked
      }
      if (re && !re.test(v)) errors.push(`${where}, ${show(v)} does not match ${show(s.pattern)}.`);
    }
  }
  if (typeof v === "number") {
    if (typeof s.maximum === "number" && v > s.maximum) errors.push(`${where}, ${v} is greater than ${s.maximum}.`);
    if (typeof s.minimum === "number" && v < s.minimum) errors.push(`${where}, ${v} is less than ${s.minimum}.`);
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === "number" && v.length > s.maxItems) errors.push(`${where}, the array has ${v.length} items, more than the maximum of ${s.maxItems}.`);
    if (typeof s.minItems === "number" && v.length < s.minItems) errors.push(`${where}, the array has ${v.length} items, fewer than the minimum of ${s.minItems}.`);
    if (s.items) v.forEach((item, i) => check(doc, s.items, item, `${at}/items/${i}`, errors));
  }
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    for (const key of s.required ?? []) {
      if (!(key in obj)) errors.push(`${where}, ${show(key)} wasn't supplied.`);
    }
    const props: Schema = s.properties ?? {};
    for (const [key, val] of Object.entries(obj)) {
      if (key in props) check(doc, props[key], val, `${at}/properties/${key}`, errors);
      else if (s.additionalProperties === false) errors.push(`${where}, ${show(key)} is not a permitted key.`);
      else if (s.additionalProperties && typeof s.additionalProperties === "object") check(doc, s.additionalProperties, val, `${at}/properties/${key}`, errors);
    }
  }
  for (const sub of s.allOf ?? []) check(doc, sub, v, at, errors);
  for (const kw of ["oneOf", "anyOf"] as const) {
    const branches: Schema[] | undefined = s[kw];
    if (!branches) continue;
    const results = branches.map((b) => {
      const e: string[] = [];
      check(doc, b, v, at, e);
      return e;
    });
    if (!results.some((e) => e.length === 0)) {
      errors.push(`${where}, no subschema in "${kw}" matched: ${results.map((e) => e[0] ?? "").join(" / ")}`);
    }
  }
}

/** Every operation with its application/json request examples (for self-tests of the validator). */
export function requestExamples(): { operationId: string; schema: Schema; examples: Record<string, unknown> }[] {
  const { doc, routes } = load();
  const out: { operationId: string; schema: Schema; examples: Record<string, unknown> }[] = [];
  for (const r of routes) {
    const body = r.op.requestBody ? deref(doc, r.op.requestBody) : null;
    const json = body?.content?.["application/json"];
    if (!json?.schema) continue;
    const examples: Record<string, unknown> = {};
    for (const [name, ex] of Object.entries<Schema>(json.examples ?? {})) {
      const e = deref(doc, ex);
      if (e && "value" in e) examples[name] = e.value;
    }
    out.push({ operationId: r.op.operationId, schema: json.schema, examples });
  }
  return out;
}

/** Every operationId in GitHub's API description. */
export function operationIds(): Set<string> {
  return new Set(load().routes.map((r) => r.op.operationId as string));
}

/** The application/json schema of `operationId`'s answer with `status` (to check a modelled answer is shaped like GitHub's). */
export function responseSchema(operationId: string, status: number): Schema | null {
  const { doc, routes } = load();
  const r = routes.find((x) => x.op.operationId === operationId);
  const res = r?.op.responses?.[String(status)];
  const json = res ? deref(doc, res)?.content?.["application/json"]?.schema : undefined;
  return json ? deref(doc, json) : null;
}
