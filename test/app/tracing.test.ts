/**
 * Tracing (src/tracing.ts) with an in-memory exporter, and the App's stream-aware log lines captured
 * from Probot's pino logger: real webhook payloads through Probot against the fake GitHub.
 */
import { Writable } from "node:stream";
import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app/index.js";
import { LedgerWriter } from "../../src/app/ledger-writer.js";
import { CONFIG, FakeGitHub, NOW, OWNER, REPO, commentPayload, harness, patch, pullPayload } from "./fake.js";
import { makeRepo, pucs } from "../cli/helpers.js";

const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
});
afterEach(() => {
  exporter.reset();
  nock.cleanAll();
});

const spans = () => exporter.getFinishedSpans();
const named = (name: string): ReadableSpan => {
  const found = spans().filter((s) => s.name === name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0]!;
};
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const pucsAttrs = (s: ReadableSpan) => Object.fromEntries(Object.entries(s.attributes).filter(([k]) => k.startsWith("pucs.") && !k.startsWith("pucs.ledger.version")));

describe("tracing", () => {
  it("a pull_request webhook: one webhook span with the seed's attributes, its ledger transaction as its child", async () => {
    const h = await harness();
    h.gh.prFiles.set(3, [{ filename: "execution/a.py", patch: patch(10, 2) }]);
    const payload = pullPayload(3, {});
    payload.pull_request.changed_files = 1;
    await h.send("pull_request", payload);

    const hook = named("pucs.webhook pull_request.opened");
    expect(parentOf(hook)).toBeUndefined();
    expect(hook.attributes).toMatchObject({ "github.event": "pull_request", "github.delivery": expect.stringMatching(/^d-\d+$/) });
    expect(pucsAttrs(hook)).toEqual({ "pucs.change": "#3", "pucs.agent_id": "agent3", "pucs.files_modified": 1, "pucs.stream_id": "EXEC" });
    expect(hook.status.code).toBe(SpanStatusCode.UNSET);

    const tx = named("pucs.ledger.transact");
    expect(parentOf(tx)).toBe(hook.spanContext().spanId);
    expect(tx.spanContext().traceId).toBe(hook.spanContext().traceId);
    expect(pucsAttrs(tx)).toEqual({
      "pucs.change": "#3",
      "pucs.agent_id": "agent3",
      "pucs.files_modified": 1,
      "pucs.stream_id": "EXEC",
      "pucs.ledger.attempts": 1,
      "pucs.ledger.wrote": true,
      "pucs.ledger.message": expect.stringMatching(/^footprint #3 /),
    });
    expect(tx.attributes["pucs.ledger.version"]).toBe(h.gh.ledgerRef);
  });

  it("a comment running one command: webhook → command → ledger transaction, with the command's task and files", async () => {
    const h = await harness();
    h.gh.prFiles.set(3, [{ filename: "execution/a.py", patch: patch(10, 2) }]);
    await h.send("pull_request", pullPayload(3, {}));
    exporter.reset();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py -- rework routing"));

    expect(spans().map((s) => s.name).sort()).toEqual(["pucs.command lock", "pucs.ledger.transact", "pucs.webhook issue_comment.created"]);
    const hook = named("pucs.webhook issue_comment.created");
    const cmd = named("pucs.command lock");
    const tx = named("pucs.ledger.transact");
    expect(parentOf(hook)).toBeUndefined();
    expect(parentOf(cmd)).toBe(hook.spanContext().spanId);
    expect(parentOf(tx)).toBe(cmd.spanContext().spanId);
    expect(pucsAttrs(hook)).toEqual({ "pucs.change": "#3", "pucs.agent_id": "agent3", "pucs.stream_id": "EXEC" });
    expect(pucsAttrs(cmd)).toEqual({ "pucs.change": "#3", "pucs.agent_id": "agent3", "pucs.stream_id": "EXEC", "pucs.task": "rework routing", "pucs.files_modified": 1, "pucs.command": "lock" });
    expect(tx.attributes).toMatchObject({ "pucs.task": "rework routing", "pucs.ledger.wrote": true, "pucs.ledger.message": "lock execution/a.py by agent3 (EXEC, #3) until 2026-11-23T12:30:00Z" });
  });

  it("a failing webhook records the exception and status ERROR on its span", async () => {
    const h = await harness();
    h.gh.prFiles.set(3, [{ filename: "execution/a.py", patch: patch(10, 2) }]);
    h.gh.failNext("GET", /\/pulls\/3\/files$/, 500, { message: "upstream exploded" }, 5);
    await expect(h.send("pull_request", pullPayload(3, {}))).rejects.toThrow();
    const hook = named("pucs.webhook pull_request.opened");
    expect(hook.status.code).toBe(SpanStatusCode.ERROR);
    expect(hook.status.message).toContain("upstream exploded");
    expect(hook.events.map((e) => e.name)).toEqual(["exception"]);
    expect(String(hook.events[0]!.attributes!["exception.message"])).toContain("upstream exploded");
  });

  it("pucs commands: one span per command with its options as attributes, the ledger transaction its child; a refusal is an error", async () => {
    const repo = makeRepo();
    try {
      const ok = await pucs(repo.dir, ["lock", "execution/fill_predictor.py", "--agent", "exec-agent-1", "--stream", "EXEC", "--task", "Fill predictor enhancement"]);
      expect(ok.code).toBe(0);
      const cli = named("pucs.cli lock");
      expect(pucsAttrs(cli)).toEqual({
        "pucs.agent_id": "exec-agent-1",
        "pucs.stream_id": "EXEC",
        "pucs.task": "Fill predictor enhancement",
        "pucs.files_modified": 1,
        "pucs.exit_code": 0,
      });
      const tx = named("pucs.ledger.transact");
      expect(parentOf(tx)).toBe(cli.spanContext().spanId);
      expect(tx.attributes).toMatchObject({ "pucs.agent_id": "exec-agent-1", "pucs.ledger.wrote": true, "pucs.ledger.attempts": 1 });
      exporter.reset();

      const refused = await pucs(repo.dir, ["lock", "execution/fill_predictor.py", "--agent", "other", "--stream", "EXEC", "--task", "t"]);
      expect(refused.code).toBe(1);
      const span = named("pucs.cli lock");
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.status.message).toContain("exec-agent-1");
      expect(span.events.map((e) => e.name)).toEqual(["exception"]);
    } finally {
      repo.cleanup();
    }
  });
});

describe("stream-aware log lines", () => {
  it("every App log line about a change carries its stream, agent and change as fields", async () => {
    nock.disableNetConnect();
    const gh = new FakeGitHub();
    gh.defaultFiles.set("config/pucs_streams.yaml", CONFIG + "agents:\n  command_rate: 1\n");
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split("\n")) if (l.trim()) lines.push(JSON.parse(l));
        done();
      },
    });
    const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
    const probot = new Probot({ githubToken: "test-token", Octokit, log: pino({ level: "info" }, sink) });
    let ids = 0;
    await probot.load(createApp({ now: () => NOW, newId: () => `id-${++ids}`, writer: new LedgerWriter({ sleep: async () => {}, random: () => 0 }), knownLabels: new Set([`${OWNER}/${REPO}:*`]) }));
    const send = (name: string, payload: Record<string, any>) => {
      if (name === "pull_request") gh.pulls.set(Number(payload.pull_request.number), structuredClone(payload.pull_request));
      return probot.receive({ id: `d-${++ids}`, name, payload } as Parameters<Probot["receive"]>[0]);
    };
    gh.prFiles.set(3, [{ filename: "execution/a.py", patch: patch(10, 2) }]);
    const opened = pullPayload(3, {});
    opened.pull_request.body = "Routing rework\n\nPUCS-Agent: exec-agent-1";
    await send("pull_request", opened);

    // Two commands within a minute with command_rate 1: the second is logged (and answered once).
    const first = commentPayload(3, "/pucs status", { author: "agent3" });
    first.issue.body = opened.pull_request.body;
    await send("issue_comment", first);
    const second = commentPayload(3, "/pucs status", { author: "agent3" });
    second.issue.body = opened.pull_request.body;
    await send("issue_comment", second);
    // A redelivery of the first comment: logged as answered already.
    await send("issue_comment", structuredClone(first));

    const ours = lines.filter((l) => /commands a minute|answered already/.test(String(l.msg)));
    expect(ours.map((l) => [l.level, l.msg, l.pucs])).toEqual([
      [40, `@agent3 gave more than 1 commands a minute on #3: comment ${second.comment.id} ignored`, { stream: "EXEC", agent: "exec-agent-1", change: "#3" }],
      // Known before the ledger is read: the change and its agent (the PR body's trailer); the stream is not read for a redelivery.
      [30, `comment ${first.comment.id} on #3 was answered already (a redelivery): nothing to do`, { stream: null, agent: "exec-agent-1", change: "#3" }],
    ]);
    // Probot's own fields stay.
    expect(ours[0]).toMatchObject({ name: "event", id: expect.stringMatching(/^d-\d+$/) });
  });
});
