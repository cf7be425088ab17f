import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { BASE_FILES_QUERY, baseSymbols } from "../../src/app/symbols.js";
import { BASE, OWNER, REPO, harness, patch, pullPayload } from "./fake.js";

afterEach(() => nock.cleanAll());

// execution/model.py on the default branch: `fit` spans lines 4-9, `predict` lines 10-13.
const MODEL = [
  "import os", // 1
  "", // 2
  "class Model:", // 3
  "    def fit(self, x):", // 4
  "        a = x + 1", // 5
  "        b = a * 2", // 6
  "        c = b - 3", // 7
  "        d = c / 4", // 8
  "        return d", // 9
  "    def predict(self, z):", // 10
  "        y = z - 1", // 11
  "        w = y * 2", // 12
  "        return w", // 13
  "",
].join("\n");

/** A one-hunk patch replacing `lines` (1-based) of MODEL with `text`, with git's (misleading) hunk-header section. */
function modelPatch(from: number, to: number, text: string[], section: string): string {
  const old = MODEL.split("\n").slice(from - 1, to);
  return [`@@ -${from},${old.length} +${from},${text.length} @@ ${section}`, ...old.map((l) => `-${l}`), ...text.map((l) => `+${l}`)].join("\n");
}

async function twoPrs(first: string, second: string) {
  const h = await harness();
  h.gh.defaultFiles.set("execution/model.py", MODEL);
  h.gh.prFiles.set(1, [{ filename: "execution/model.py", patch: first }]);
  await h.send("pull_request", pullPayload(1, {}));
  h.gh.prFiles.set(2, [{ filename: "execution/model.py", patch: second }]);
  h.gh.reset();
  await h.send("pull_request", pullPayload(2, {}));
  return h;
}

const graphqlBodies = (h: Awaited<ReturnType<typeof harness>>) => h.gh.log.filter((r) => r.path === "/graphql").map((r) => r.body);

describe("the App names the enclosing functions of a PARTITION", () => {
  it("reads the partitioned file's base text in one GraphQL request and names `Model.fit` and `Model.predict`", async () => {
    // #1 edits fit's last line (9), #2 predict's first line (10): adjacent, so git conflicts.
    const h = await twoPrs(modelPatch(9, 9, ["        return d + 0"], "def fit(self, x):"), modelPatch(10, 10, ["    def predict(self, z, w=0):"], "def fit(self, x):"));
    const reads = graphqlBodies(h).filter((b) => String(b.query).includes("PucsBaseFiles"));
    expect(reads).toEqual([{ query: BASE_FILES_QUERY(1), variables: { owner: OWNER, name: REPO, f0: "master:execution/model.py" } }]);
    expect(BASE_FILES_QUERY(1)).toBe(
      "query PucsBaseFiles($owner: String!, $name: String!, $f0: String!) { repository(owner: $owner, name: $name) { f0: object(expression: $f0) { ... on Blob { text } } } }",
    );
    const c2 = h.gh.comments.find((c) => c.issue === 2)!;
    expect(c2.body).toContain("#1 changes `Model.fit` (line 9), this change changes `Model.predict` (line 10): split by function");
    // #2's footprint keeps the symbols it read (for reports refreshed from the ledger); #1's event read nothing.
    const files = (id: string) => h.gh.ledger!.footprints.find((f) => f.change === id)!.files[0]!.changes!;
    expect(files("#2").map((r) => r.symbol)).toEqual(["Model.predict"]);
    expect(files("#1").map((r) => r.symbol)).toEqual([undefined]);
    // The request came before the report's writes, and exactly once.
    // (GraphQL reads as "POST /graphql"; a mutation — #1's refreshed comment and label, one request — as "mutation".)
    const order = h.gh.log.map((r) => (r.path === "/graphql" && /^mutation/.test(String(r.body.query)) ? "mutation" : `${r.method} ${r.path}`));
    // Before #2's report: the state read (config, PR, ledger scope: the index lists #1 on its file),
    // #1's footprint at the same commit, then the base files. After it, #1's refresh reads #1's own
    // scope (its file's shard and stream, then the footprints on it) at the new head.
    const report = order.indexOf(`POST ${BASE}/check-runs`);
    expect(order.slice(0, report).filter((x) => x === "POST /graphql")).toHaveLength(3);
    expect(order.slice(report).filter((x) => x === "POST /graphql")).toHaveLength(2);
    expect(order.slice(report).filter((x) => x === "mutation")).toHaveLength(1);
  });

  it("both sides in one function: says which should land first", async () => {
    const h = await twoPrs(modelPatch(5, 6, ["        a = x + 10", "        b = a * 20"], "class Model:"), modelPatch(7, 7, ["        c = b - 30"], "class Model:"));
    const c2 = h.gh.comments.find((c) => c.issue === 2)!;
    expect(c2.body).toContain("Both change `Model.fit` (this change: line 7; #1: lines 5-6): one should land first");
  });

  it("a clear push, disjoint edits and identical edits cost no extra request", async () => {
    // Lone PR: the state read and its files, as before.
    const h = await harness();
    h.gh.defaultFiles.set("execution/model.py", MODEL);
    h.gh.prFiles.set(1, [{ filename: "execution/model.py", patch: modelPatch(5, 5, ["        a = x + 2"], "def fit(self, x):") }]);
    await h.send("pull_request", pullPayload(1, {}));
    expect(graphqlBodies(h)).toHaveLength(1);
    expect(h.gh.calls().filter((c) => c === "POST /graphql")).toEqual(["POST /graphql"]);
    // Disjoint (line 5 against line 12): MERGE, no base read.
    const d = await twoPrs(modelPatch(5, 5, ["        a = x + 2"], ""), modelPatch(12, 12, ["        w = y * 3"], ""));
    expect(graphqlBodies(d).filter((b) => String(b.query).includes("PucsBaseFiles"))).toEqual([]);
    // Identical: MERGE with the duplicate-work note, no base read.
    const same = modelPatch(6, 6, ["        b = a * 3"], "def fit(self, x):");
    const i = await twoPrs(same, same);
    expect(graphqlBodies(i).filter((b) => String(b.query).includes("PucsBaseFiles"))).toEqual([]);
    const c2 = i.gh.comments.find((c) => c.issue === 2)!;
    expect(c2.body).toContain("#1 (EXEC) already makes this exact change to line 6 of execution/model.py");
    expect(i.gh.checkRuns.find((r) => r.head_sha === pullPayload(2, {}).pull_request.head.sha)!.output.title).toBe("Safe to merge in parallel: 1 overlap");
  });

  it("a language without a grammar is not read; a failed read leaves the hunk-header names", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/notes.txt", patch: patch(10, 5, "Intro") }]);
    await h.send("pull_request", pullPayload(1, {}));
    h.gh.prFiles.set(2, [{ filename: "execution/notes.txt", patch: patch(12, 2, "Intro") }]);
    h.gh.reset();
    await h.send("pull_request", pullPayload(2, {}));
    expect(graphqlBodies(h).filter((b) => String(b.query).includes("PucsBaseFiles"))).toEqual([]);

    // The file is not on the base branch (GitHub answers null): the report keeps the hunk-header names.
    const g = await harness();
    g.gh.prFiles.set(1, [{ filename: "execution/model.py", patch: modelPatch(9, 9, ["        return d + 0"], "def fit(self, x):") }]);
    await g.send("pull_request", pullPayload(1, {}));
    g.gh.prFiles.set(2, [{ filename: "execution/model.py", patch: modelPatch(10, 10, ["    def predict(self, z, w=0):"], "def fit(self, x):") }]);
    g.gh.reset();
    await g.send("pull_request", pullPayload(2, {}));
    expect(graphqlBodies(g).filter((b) => String(b.query).includes("PucsBaseFiles"))).toHaveLength(1);
    const c2 = g.gh.comments.find((c) => c.issue === 2)!;
    expect(c2.body).toContain("this change keeps def fit(self, x):, #1 keeps def fit(self, x):");
  });

  it("a failed read is logged and leaves the report as it was (baseSymbols returns null)", async () => {
    const warnings: string[] = [];
    const failing = Object.assign(new Error("GitHub failed to read 1 base file(s) (502 Bad gateway)"), { status: 502 });
    const ctx = {
      gw: { rc: { repo: { owner: OWNER, repo: REPO }, graphql: async () => Promise.reject(failing) } },
      log: { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} },
    } as unknown as Parameters<typeof baseSymbols>[0];
    const ev = {
      change: "#2",
      stream: null,
      streamSource: "none",
      files: [],
      verdict: "needs-decision",
      suggestions: [],
      conflicts: [{ type: "INTENT_OVERLAP", strategy: "PARTITION", file: "execution/model.py", holder: "a", holderStream: null, details: "", nextStep: "" }],
    } as unknown as Parameters<typeof baseSymbols>[2];
    expect(await baseSymbols(ctx, "master", ev)).toBeNull();
    expect(warnings).toEqual([
      "PUCS: could not read the base files for the enclosing functions (the report names hunk-header sections instead): GitHub failed to read 1 base file(s) (502 Bad gateway)",
    ]);
  });
});
