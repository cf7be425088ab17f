/**
 * Webhook payloads (issue 5 §3 "Bad input"): 10,000 seeded mutations of real payloads (from
 * @octokit/webhooks-examples, as the App's tests build them) through the App's payload check — never
 * a throw or a hang; either a usable event or a message naming the event, the field and what it got —
 * and 300 of them through the App itself against the in-process fake GitHub: a payload the check
 * refuses costs no request and leaves the ledger as it was; one it accepts never fails with a raw
 * JavaScript error.
 */
import fc from "fast-check";
import nock from "nock";
import { afterAll, describe, expect, it } from "vitest";
import { pullOfRest as pullOf } from "../../src/github/pull.js";
import { checkIssueCommentEvent, checkPullRequestEvent } from "../../src/app/payload.js";
import { commentPayload, harness, pullPayload } from "../app/fake.js";
import { SPICY, Timer, expectCleanMessage, params, preview } from "./helpers.js";

const SEED = 0x7e6b0011;
afterAll(() => nock.cleanAll());

type J = Record<string, unknown>;
const ACTIONS = ["opened", "synchronize", "reopened", "edited", "labeled", "unlabeled", "closed", "ready_for_review", "converted_to_draft"];

/** Paths the App reads, and some it does not. */
const PULL_PATHS = [
  ["action"], ["pull_request"], ["pull_request", "number"], ["pull_request", "title"], ["pull_request", "user"], ["pull_request", "user", "login"], ["pull_request", "user", "type"],
  ["pull_request", "labels"], ["pull_request", "labels", 0], ["pull_request", "labels", 0, "name"], ["pull_request", "head"], ["pull_request", "head", "ref"], ["pull_request", "head", "sha"],
  ["pull_request", "draft"], ["pull_request", "html_url"], ["pull_request", "state"], ["pull_request", "merged"], ["repository"], ["repository", "name"], ["repository", "owner"],
  ["repository", "owner", "login"], ["repository", "default_branch"], ["label"], ["label", "name"], ["sender"], ["installation"], ["__proto__"], ["constructor"], ["pull_request", "body"],
];
const COMMENT_PATHS = [
  ["action"], ["issue"], ["issue", "number"], ["issue", "pull_request"], ["issue", "user"], ["issue", "user", "login"], ["comment"], ["comment", "id"], ["comment", "body"],
  ["comment", "user"], ["comment", "user", "login"], ["comment", "user", "type"], ["repository"], ["repository", "owner", "login"], ["repository", "default_branch"], ["__proto__"], ["sender"],
];

const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.NaN, "7", "", "0000", "a".repeat(40), "A".repeat(40), "main", "open", "closed"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(...SPICY).map(String),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => "x".repeat(n)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant([]),
  fc.constant({}),
);

interface Mutation {
  path: (string | number)[];
  value: unknown;
}
const mutationsArb = (paths: (string | number)[][]) => fc.array(fc.record({ path: fc.constantFrom(...paths), value: valueArb }), { minLength: 1, maxLength: 4 });

function mutate(base: J, ms: Mutation[]): J {
  const p = structuredClone(base);
  for (const m of ms) {
    let cur: unknown = p;
    for (const k of m.path.slice(0, -1)) {
      if (cur === null || typeof cur !== "object") break;
      cur = (cur as Record<string | number, unknown>)[k];
    }
    if (cur === null || typeof cur !== "object") continue;
    const last = m.path.at(-1)!;
    if (m.value === undefined) delete (cur as Record<string | number, unknown>)[last];
    // A copy per place (a webhook is JSON: no shared or cyclic parts); defineProperty so "__proto__" is a plain key.
    else Object.defineProperty(cur, last, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
  }
  return p;
}

const pullBase = (action: string, n: number): J => pullPayload(n, { action, labels: action === "labeled" ? ["pucs:lock"] : [] });
const caseArb = fc.oneof(
  fc.record({ kind: fc.constant("pull" as const), action: fc.constantFrom(...ACTIONS), n: fc.integer({ min: 1, max: 50 }), ms: mutationsArb(PULL_PATHS) }),
  fc.record({ kind: fc.constant("comment" as const), action: fc.constant("created"), n: fc.integer({ min: 1, max: 50 }), ms: mutationsArb(COMMENT_PATHS) }),
);
const payloadOf = (c: { kind: "pull" | "comment"; action: string; n: number; ms: Mutation[] }): J =>
  mutate(c.kind === "pull" ? pullBase(c.action, c.n) : commentPayload(c.n, "/pucs lock execution/a.py"), c.ms);

const MESSAGE = /^(pull_request|issue_comment)(\.[^:]*)?: (payload(\.[^ ]+)? .+; PUCS ignored this delivery|the payload is not a JSON object \(got .*\))$/s;

describe("fuzz: webhook payloads", () => {
  it("the payload check never throws or hangs: a usable event, or a clean message naming the field (10,000 cases)", () => {
    const timer = new Timer();
    let refused = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const payload = payloadOf(c);
        const r = timer.time(payload, () => (c.kind === "pull" ? checkPullRequestEvent(payload) : checkIssueCommentEvent(payload)));
        if (r.ok) {
          if (c.kind === "pull") {
            const pr = pullOf((r.event as { pull_request: J }).pull_request);
            expect(Number.isInteger(pr.number) && pr.number > 0).toBe(true);
            expect(pr.headSha).toMatch(/^[0-9a-f]{40}$/);
          }
        } else {
          refused++;
          expectCleanMessage(r.message, preview(payload));
          expect(r.message, preview(payload)).toMatch(MESSAGE);
          expect(r.message.length).toBeLessThan(400);
        }
      }),
      params(SEED),
    );
    expect(refused).toBeGreaterThan(2_000);
    expect(refused).toBeLessThan(10_000);
    console.log(timer.summary("webhook payload check") + `, ${refused} refused`);
  });

  it("through the App (300 cases): a refused payload costs no request and leaves the ledger; an accepted one never fails with a raw JavaScript error", { timeout: 120_000 }, async () => {
    const h = await harness();
    // A ledger to compare with: one PR's footprint.
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: "@@ -1,1 +1,1 @@\n-a\n+b" }]);
    await h.send("pull_request", pullPayload(1, {}));
    const timer = new Timer();
    let refused = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const payload = payloadOf(c);
        const valid = (c.kind === "pull" ? checkPullRequestEvent(payload) : checkIssueCommentEvent(payload)).ok;
        const ref = h.gh.ledgerRef;
        h.gh.reset();
        let error: unknown = null;
        await timer.timeAsync(payload, async () => {
          try {
            await h.probot.receive({ id: `fuzz-${timer.cases}`, name: c.kind === "pull" ? "pull_request" : "issue_comment", payload } as never);
          } catch (e) {
            error = e;
          }
        });
        if (!valid) {
          refused++;
          expect(error).toBeNull();
          expect(h.gh.log).toEqual([]);
          expect(h.gh.ledgerRef).toBe(ref);
        } else {
          accepted++;
          // Probot wraps handler errors in an AggregateError; none may be a raw JS error.
          const inner = error === null ? [] : ((error as { errors?: unknown[] }).errors ?? [error]);
          for (const e of inner) expectCleanMessage(String((e as Error).message ?? e), preview(payload));
        }
      }),
      params(SEED + 1, 300),
    );
    expect(refused).toBeGreaterThan(50);
    expect(accepted).toBeGreaterThan(10);
    console.log(timer.summary("webhooks through the App") + `, ${refused} refused, ${accepted} accepted`);
  });
});
