/**
 * Tracing (seed §3.4) and the fields of stream-aware log lines, through `@opentelemetry/api` only.
 *
 * - Spans: `pucs.webhook <event>.<action>` (the App, one per delivery), `pucs.command <name>` (one per
 *   `/pucs` command a comment runs), `pucs.cli <name>` (one per `pucs` command) and
 *   `pucs.ledger.transact` (one per ledger transaction, on every surface). Attributes: the seed's
 *   `pucs.stream_id`, `pucs.agent_id`, `pucs.task`, `pucs.files_modified` (a count), plus `pucs.change`.
 *   An error thrown through a span is recorded on it (`recordException`, status ERROR).
 * - Without a registered tracer provider every call is the API's no-op (nothing is recorded or sent).
 *   Parent/child relations across `await` need a context manager: the Node SDK registers one (see the
 *   README's "Tracing"); without it each span is a root.
 * - The change a piece of work is about (`PucsFields`: change, agent, stream, task, files) is kept in
 *   an AsyncLocalStorage scope, independent of OpenTelemetry: inner spans inherit it, `noteChange`
 *   adds what is learnt later (a PR's stream is known once it is evaluated) to the scope and to the
 *   open spans of the scope, and the App's log lines read it (`logFields`), so every line about a
 *   change carries stream, agent and change as fields.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { context, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";

export const TRACER_NAME = "pucs";

export interface PucsFields {
  change?: string | undefined;
  agent?: string | undefined;
  stream?: string | null | undefined;
  task?: string | undefined;
  /** How many files the work touches. */
  files?: number | undefined;
}

interface Scope {
  fields: PucsFields;
  spans: Span[];
  parent: Scope | null;
}

const store = new AsyncLocalStorage<Scope>();

const tracer = () => trace.getTracer(TRACER_NAME);

/** The seed's span attributes of these fields (unknown ones left out). */
export function pucsAttributes(f: PucsFields): Attributes {
  const a: Attributes = {};
  if (f.stream != null) a["pucs.stream_id"] = f.stream;
  if (f.agent !== undefined) a["pucs.agent_id"] = f.agent;
  if (f.task !== undefined) a["pucs.task"] = f.task;
  if (f.files !== undefined) a["pucs.files_modified"] = f.files;
  if (f.change !== undefined) a["pucs.change"] = f.change;
  return a;
}

const defined = (f: PucsFields): PucsFields => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as PucsFields;

/** The fields of the change the current work is about (what a log line carries). */
export function logFields(): { stream: string | null; agent: string | null; change: string | null } | null {
  const f = store.getStore()?.fields;
  if (!f || (f.change === undefined && f.agent === undefined && f.stream === undefined)) return null;
  return { stream: f.stream ?? null, agent: f.agent ?? null, change: f.change ?? null };
}

/** Adds what was learnt about the current change to the scope and to every open span of the scope. */
export function noteChange(f: PucsFields): void {
  const scope = store.getStore();
  if (!scope) return;
  for (let s: Scope | null = scope; s; s = s.parent) Object.assign(s.fields, defined(f));
  const attrs = pucsAttributes(defined(f));
  for (const s of scope.spans) s.setAttributes(attrs);
}

function fail(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * Runs `fn` in a new active span carrying the scope's fields plus `fields` and `extra` attributes;
 * `fn` runs in a scope with those fields. An error is recorded on the span and rethrown.
 */
export async function withSpan<T>(name: string, fields: PucsFields, fn: (span: Span) => Promise<T>, extra: Attributes = {}): Promise<T> {
  const parent = store.getStore();
  const scope: Scope = { fields: { ...parent?.fields, ...defined(fields) }, spans: [...(parent?.spans ?? [])], parent: parent ?? null };
  return tracer().startActiveSpan(name, { attributes: { ...pucsAttributes(scope.fields), ...extra } }, async (span) => {
    scope.spans.push(span);
    try {
      return await store.run(scope, () => fn(span));
    } catch (err) {
      fail(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * One span per `/pucs` command of a comment around the one ledger commit they share: with a single
 * command that commit's transaction is the command's child; with several, each command's span is a
 * sibling under the webhook and so is the shared transaction.
 */
export async function withCommandSpans<T>(commands: { name: string; fields: PucsFields }[], fn: () => Promise<T>): Promise<T> {
  if (commands.length === 1) return withSpan(`pucs.command ${commands[0]!.name}`, commands[0]!.fields, fn, { "pucs.command": commands[0]!.name });
  const parent = store.getStore()?.fields ?? {};
  const spans = commands.map((c) =>
    tracer().startSpan(`pucs.command ${c.name}`, { attributes: { ...pucsAttributes({ ...parent, ...defined(c.fields) }), "pucs.command": c.name } }, context.active()),
  );
  try {
    return await fn();
  } catch (err) {
    for (const s of spans) fail(s, err);
    throw err;
  } finally {
    for (const s of spans) s.end();
  }
}

/** A ledger transaction's span: `run` is the transaction; `describe` reads its result's attributes. */
export function withLedgerSpan<R>(run: (noteMessage: (m: string | null) => void) => Promise<R>, describe: (r: R) => Attributes): Promise<R> {
  return withSpan("pucs.ledger.transact", {}, async (span) => {
    let message: string | null = null;
    const r = await run((m) => void (message = m));
    span.setAttributes(describe(r));
    if (message !== null) span.setAttribute("pucs.ledger.message", (message as string).split("\n")[0]!);
    return r;
  });
}
