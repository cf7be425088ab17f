import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import type { Ledger } from "../../src/engine/types.js";
import { commonDir, gitOk, ledgerLog } from "../../src/git/gateway.js";
import { GitRefStore, ledgerHint } from "../../src/git/ledger-store.js";
import { canonicalLedger, emptyLedger, serializeLedger } from "../../src/ledger/schema.js";
import { SUMMARY_MARK, changeKey, headPath, gateEntryPath, footprintPath, indexDir, summaryPath } from "../../src/ledger/layout.js";
import { fullLedger } from "../ledger/fixtures.js";
import { LedgerError } from "../../src/ledger/store.js";
import { transact } from "../../src/ledger/transact.js";
import { acquireLock, startSession } from "../../src/ledger/transitions.js";
import { AS_TESTER, cleanupTempDirs, makeRepo, plantCommit, sh, tempDir } from "./helpers.js";

const tempDirOf = (_dir: string): string => tempDir("pucs-idx-");

afterAll(cleanupTempDirs);

const NOW = Date.parse("2026-11-23T21:00:00Z");
const REF = "refs/pucs/ledger";

const lockFn = (agent: string, path = "execution/x.py") => (l: Ledger) =>
  acquireLock(l, { path, agent, stream: "EXEC", task: "race", ttlMinutes: 30, maxTtlMinutes: 240, queueGraceMinutes: 10, lease: `lease-${agent}` }, NOW);

async function refSha(dir: string): Promise<string | null> {
  const r = await gitOk(["for-each-ref", "--format=%(objectname)", REF], { cwd: dir });
  return r.trim() === "" ? null : r.trim();
}

async function lockErr(p: Promise<unknown>): Promise<LedgerError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LedgerError);
  return e as LedgerError;
}

describe("GitRefStore basics", () => {
  it("reads an absent ledger as empty at version null, without creating the ref", async () => {
    const dir = await makeRepo();
    const s = new GitRefStore({ cwd: dir });
    expect(await s.read()).toStrictEqual({ ledger: emptyLedger(), version: null });
    expect(await refSha(dir)).toBeNull();
    expect(s.reads).toBe(1);
    expect(s.gitCalls).toBe(1);
  });

  it("creates the ref with one commit holding the v2 tree; touches neither HEAD, index nor working tree", async () => {
    const dir = await makeRepo();
    const head = await sh(dir, "rev-parse", "HEAD");
    const s = new GitRefStore({ cwd: dir });
    const l = startSession(emptyLedger(), { id: "S1" }, NOW).ledger;
    const w = await s.write(l, null, "start session S1");
    expect(w.ok).toBe(true);
    const version = (w as { version: string }).version;
    expect(await refSha(dir)).toBe(version);
    expect(await sh(dir, "ls-tree", "-r", "--name-only", version)).toBe(`meta.json\n${SUMMARY_MARK}`); // no claim, no stream: the marker that every (no) index entry and summary is there
    expect(JSON.parse(await sh(dir, "show", `${REF}:meta.json`))).toStrictEqual({ kind: "pucs-ledger", layout: 3, schemaVersion: 1, session: l.session });
    expect(await sh(dir, "rev-list", "--parents", "-n", "1", version)).toBe(version); // no parent
    const msg = await sh(dir, "log", "-1", "--format=%B", REF);
    expect(msg).toMatch(/^start session S1\n\nPucs-Nonce: [0-9a-f]{16}$/);
    expect(await sh(dir, "rev-parse", "HEAD")).toBe(head);
    expect(await sh(dir, "status", "--porcelain")).toBe("");
    expect(await s.read()).toStrictEqual({ ledger: l, version });
    // The write remembers the ledger of its commit: reading it back costs the rev-parse only.
    expect(s.gitCalls).toBe(1 /* identity */ + 5 /* write */ + 1 /* read */);
    const fresh = new GitRefStore({ cwd: dir });
    expect(await fresh.read()).toStrictEqual({ ledger: l, version });
    expect(fresh.gitCalls).toBe(3 /* rev-parse, ls-tree, cat-file */);
  });

  it("compare-and-swap: a stale expected version or creating over an existing ref is a conflict, and the ref does not move", async () => {
    const dir = await makeRepo();
    const s = new GitRefStore({ cwd: dir });
    const v1 = (await s.write(emptyLedger(), null, "one")) as { ok: true; version: string };
    const v2 = (await s.write(startSession(emptyLedger(), { id: "S" }, NOW).ledger, v1.version, "two")) as { ok: true; version: string };
    expect(v2.ok).toBe(true);
    expect(await s.write(emptyLedger(), v1.version, "stale")).toStrictEqual({ ok: false, reason: "conflict" });
    expect(await s.write(emptyLedger(), null, "create again")).toStrictEqual({ ok: false, reason: "conflict" });
    expect(await refSha(dir)).toBe(v2.version);
    expect(await sh(dir, "rev-list", "--parents", "-n", "1", v2.version)).toBe(`${v2.version} ${v1.version}`);
  });

  it("two writers of the same content and message never produce the same commit (nonce)", async () => {
    const dir = await makeRepo();
    const a = (await new GitRefStore({ cwd: dir }).write(emptyLedger(), null, "same")) as { version: string };
    await sh(dir, "update-ref", "-d", REF);
    const b = (await new GitRefStore({ cwd: dir }).write(emptyLedger(), null, "same")) as { version: string };
    expect(a.version).not.toBe(b.version);
  });

  it("commits as pucs <pucs@localhost> when git has no identity, and as the configured user otherwise", async () => {
    const dir = await makeRepo();
    const s = new GitRefStore({ cwd: dir });
    await transact(s, lockFn("a"));
    expect(await sh(dir, "log", "-1", "--format=%an <%ae> / %cn <%ce>", REF)).toBe("pucs <pucs@localhost> / pucs <pucs@localhost>");
    await sh(dir, "config", "user.name", "Dana");
    await sh(dir, "config", "user.email", "dana@example.com");
    await transact(new GitRefStore({ cwd: dir }), lockFn("b", "other.py"));
    expect(await sh(dir, "log", "-1", "--format=%an <%ae>", REF)).toBe("Dana <dana@example.com>");
  });

  it("the commit messages are the audit trail (git log refs/pucs/ledger)", async () => {
    const dir = await makeRepo();
    const s = new GitRefStore({ cwd: dir });
    await transact(s, (l) => startSession(l, { id: "S1" }, NOW));
    await transact(s, lockFn("exec-agent-1"));
    const log = await ledgerLog(dir, REF, 10);
    expect(log.map((e) => e.message)).toEqual([
      "lock execution/x.py by exec-agent-1 (EXEC) until 2026-11-23T21:30:00Z",
      "start session S1",
    ]);
    expect(log[0]!.sha).toBe(await refSha(dir));
    expect(log[0]!.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$|Z$/);
    expect((await ledgerLog(dir, REF, 1)).length).toBe(1);
  });
});

describe("GitRefStore v2: the ledger as a tree, migrated from v1 on the next write", () => {
  it("a v1 ledger.json with locks, intents, queues, footprints and overrides is read, then rewritten as v2 by the next write with no claim lost", async () => {
    const dir = await makeRepo();
    const v1 = fullLedger();
    const v1sha = await plantCommit(dir, REF, { "ledger.json": serializeLedger(v1) });
    const s = new GitRefStore({ cwd: dir });
    expect(await s.read()).toStrictEqual({ ledger: canonicalLedger(v1), version: v1sha });
    const r = await transact(s, lockFn("gus", "risk/r.py"));
    const expected = acquireLock(canonicalLedger(v1), { path: "risk/r.py", agent: "gus", stream: "EXEC", task: "race", ttlMinutes: 30, maxTtlMinutes: 240, queueGraceMinutes: 10, lease: "lease-gus" }, NOW).ledger;
    expect(await new GitRefStore({ cwd: dir }).read()).toStrictEqual({ ledger: canonicalLedger(expected), version: r.version });
    const names = (await sh(dir, "ls-tree", "-r", "--name-only", REF)).split("\n");
    expect(names).not.toContain("ledger.json");
    expect(names.filter((n) => /^(locks|intents|queues|overrides|footprints)\//.test(n)).length).toBe(3 + 1 + 1 + 1 + 2);
    expect(names).toContain(footprintPath("#1"));
    expect(names.filter((n) => n.startsWith("paths/") && n !== SUMMARY_MARK)).toHaveLength(3); // a.py: #1 and #2; b.py: #1
    expect(names.filter((n) => n.startsWith("streams/")).sort()).toEqual([summaryPath(null, "#2"), summaryPath("EXEC", "#1")].sort()); // a summary per stream
    // v1 footprints carry no gate streams: each has its gate entry under gates/-, and the marker that all are there.
    expect(names.filter((n) => n.startsWith("gates/")).sort()).toEqual(["#1", "#2"].map((c) => gateEntryPath(null, c)).sort());
    expect(names.filter((n) => n.startsWith("heads/")).sort()).toEqual([headPath(null), headPath("EXEC")].sort()); // a head per stream
    expect(names).toContain(SUMMARY_MARK);
    expect(await sh(dir, "rev-list", "--parents", "-n", "1", r.version!)).toBe(`${r.version} ${v1sha}`);
    expect(await sh(dir, "log", "-1", "--format=%B", REF)).toMatch(/^lock risk\/r\.py by gus \(EXEC\) until 2026-11-23T21:30:00Z\n\nPucs-Layout: 3 \(migrated from ledger\.json\)\n\nPucs-Nonce: [0-9a-f]{16}$/);
    expect((await gitOk(["fsck", "--strict", "--no-dangling"], { cwd: dir })).trim()).toBe("");
  });

  it("a write on a v2 ledger changes only the entries that changed (the rest of the tree is shared)", async () => {
    const dir = await makeRepo();
    const s = new GitRefStore({ cwd: dir });
    const first = (await s.write(fullLedger(), null, "seed")) as { version: string };
    const r = await transact(new GitRefStore({ cwd: dir }), lockFn("gus", "risk/r.py"));
    const changed = (await sh(dir, "diff-tree", "-r", "--name-status", first.version, r.version!)).split("\n");
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^A\tlocks\/[0-9a-f]\/[0-9a-f]{20}\.json$/);
    const released = await transact(new GitRefStore({ cwd: dir }), (l) => ({ ledger: { ...l, footprints: l.footprints.filter((f) => f.change !== "#1") }, outcome: null, message: "release #1" }));
    const gone = (await sh(dir, "diff-tree", "-r", "--name-status", r.version!, released.version!)).split("\n");
    expect(gone.every((x) => x.startsWith("D\t"))).toBe(true);
    expect(gone.map((x) => x.slice(2)).sort()).toEqual([footprintPath("#1"), `${indexDir("execution/a.py")}/${changeKey("#1")}`, `${indexDir("execution/b.py")}/${changeKey("#1")}`, summaryPath("EXEC", "#1"), headPath("EXEC"), gateEntryPath(null, "#1")].sort()); // EXEC had only #1: its summary and head go
  });

  it("a v2 entry that does not validate is reported with its path and never overwritten", async () => {
    const dir = await makeRepo();
    const s = new GitRefStore({ cwd: dir });
    const w = (await s.write(fullLedger(), null, "seed")) as { version: string };
    const path = (await sh(dir, "ls-tree", "-r", "--name-only", REF)).split("\n").find((n) => n.startsWith("locks/"))!;
    const blob = (await gitOk(["hash-object", "-w", "--stdin"], { cwd: dir, input: '{"path":"x"' })).trim();
    const env = { GIT_INDEX_FILE: join(tempDirOf(dir), "idx") };
    await gitOk(["read-tree", w.version], { cwd: dir, env });
    await gitOk(["update-index", "--cacheinfo", `100644,${blob},${path}`], { cwd: dir, env });
    const tree = (await gitOk(["write-tree"], { cwd: dir, env })).trim();
    const bad = (await gitOk([...AS_TESTER, "commit-tree", tree, "-p", w.version, "-m", "hand edit"], { cwd: dir })).trim();
    await sh(dir, "update-ref", REF, bad);
    const fresh = new GitRefStore({ cwd: dir });
    const e = await lockErr(transact(fresh, lockFn("zed")));
    expect(e.code).toBe("corrupt");
    expect(e.message.startsWith(`refs/pucs/ledger at ${bad.slice(0, 7)}: ${path} is not valid JSON (`)).toBe(true);
    expect(e.message.endsWith(ledgerHint(REF))).toBe(true);
    expect(fresh.writes).toBe(0);
    expect(await refSha(dir)).toBe(bad);
  });
});

describe("GitRefStore refuses ledgers it cannot use, and never overwrites them", () => {
  async function expectUntouched(dir: string, code: LedgerError["code"], message: string) {
    const before = await refSha(dir);
    const s = new GitRefStore({ cwd: dir });
    const e1 = await lockErr(s.read());
    expect(e1.code).toBe(code);
    expect(e1.message).toBe(message);
    const e2 = await lockErr(transact(s, lockFn("alice")));
    expect(e2.message).toBe(message);
    expect(s.writes).toBe(0);
    expect(await refSha(dir)).toBe(before);
  }

  it("corrupt JSON", async () => {
    const dir = await makeRepo();
    const sha = await plantCommit(dir, REF, { "ledger.json": '{\n  "kind": "pucs-ledger",\n  "locks": [,]\n}\n' });
    await expectUntouched(
      dir,
      "corrupt",
      `refs/pucs/ledger at ${sha.slice(0, 7)}: ledger.json is not valid JSON (Unexpected token ',' at line 3, column 13). ` + ledgerHint(REF),
    );
    expect(ledgerHint(REF)).toBe(
      "The ledger was not changed. Inspect it with `git ls-tree -r refs/pucs/ledger` (a file: `git show refs/pucs/ledger:<path>`) and its history with `git log refs/pucs/ledger`; " +
        "fix it by committing a corrected file to refs/pucs/ledger, or set it aside and start a fresh ledger with " +
        "`git update-ref refs/pucs/ledger-broken refs/pucs/ledger && git update-ref -d refs/pucs/ledger`.",
    );
  });

  it("a schema violation", async () => {
    const dir = await makeRepo();
    const doc = { ...emptyLedger(), locks: [{ path: "a" }] };
    const sha = await plantCommit(dir, REF, { "ledger.json": JSON.stringify(doc) });
    await expectUntouched(
      dir,
      "corrupt",
      `refs/pucs/ledger at ${sha.slice(0, 7)}: ledger.json does not match the ledger schema (locks[0].lease: missing (expected string); ` +
        "locks[0].agent: missing (expected string); locks[0].stream: missing (expected string); locks[0].task: missing (expected string); " +
        `locks[0].acquiredAt: missing (expected string); and 1 more). ${ledgerHint(REF)}`,
    );
  });

  it("a future schemaVersion", async () => {
    const dir = await makeRepo();
    const sha = await plantCommit(dir, REF, { "ledger.json": JSON.stringify({ ...emptyLedger(), schemaVersion: 3 }) });
    await expectUntouched(
      dir,
      "unsupported-version",
      `refs/pucs/ledger at ${sha.slice(0, 7)}: ledger.json has schemaVersion 3, but this pucs understands schemaVersion 1 only. ` +
        "Upgrade pucs (e.g. `npm install pucs@latest`) on this machine; the ledger was not changed.",
    );
  });

  it("a ref that holds something else: another kind, no ledger.json, or not a commit", async () => {
    const dir = await makeRepo();
    let sha = await plantCommit(dir, REF, { "ledger.json": '{"kind":"other-tool"}' });
    await expectUntouched(
      dir,
      "foreign",
      `refs/pucs/ledger at ${sha.slice(0, 7)}: ledger.json is not a PUCS ledger ("kind" is "other-tool", expected "pucs-ledger"). ${ledgerHint(REF)}`,
    );
    sha = await plantCommit(dir, REF, { "notes.txt": "mine\n" });
    const tail =
      "pucs will not overwrite it. If another tool owns refs/pucs/ledger, move that data elsewhere; if it is a damaged ledger, inspect it with " +
      "`git log refs/pucs/ledger` and `git ls-tree refs/pucs/ledger`, then set it aside with " +
      "`git update-ref refs/pucs/ledger-broken refs/pucs/ledger && git update-ref -d refs/pucs/ledger`.";
    await expectUntouched(dir, "foreign", `refs/pucs/ledger at ${sha.slice(0, 7)}: its commit has neither meta.json nor ledger.json, so it is not a PUCS ledger. ${tail}`);
    const blob = (await gitOk(["hash-object", "-w", "--stdin"], { cwd: dir, input: "x" })).trim();
    await sh(dir, "update-ref", REF, blob);
    await expectUntouched(dir, "foreign", `refs/pucs/ledger at ${blob.slice(0, 7)}: it points to a blob, not a commit, so it is not a PUCS ledger. ${tail}`);
  });

  it("an update-ref failure that is not a lost race is a GitError, not a retry loop", async () => {
    const dir = await makeRepo();
    await plantCommit(dir, "refs/pucs/ledger/blocker", { "x.txt": "x" });
    const s = new GitRefStore({ cwd: dir });
    const err = await transact(s, lockFn("alice")).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "GitError", exitCode: 128 });
    expect({ msg: (err as Error).message }).toMatchObject({
      msg: expect.stringMatching(
        /^git update-ref -m "pucs: lock execution\/x.py by alice \(EXEC\) until 2026-11-23T21:30:00Z" refs\/pucs\/ledger [0-9a-f]{40} 0{40} failed \(exit 128\): fatal: update_ref failed for ref 'refs\/pucs\/ledger': cannot lock ref 'refs\/pucs\/ledger': 'refs\/pucs\/ledger\/blocker' exists; cannot create 'refs\/pucs\/ledger'$/,
      ),
    });
    expect(s.writes).toBe(1);
  });

  it("a broken repository is a GitError, not an empty ledger", async () => {
    const dir = await makeRepo();
    const s = new GitRefStore({ cwd: join(dir, "no-such-dir") });
    await expect(s.read()).rejects.toThrow(`directory ${join(dir, "no-such-dir")} does not exist`);
  });
});

describe("GitRefStore across worktrees and under contention", () => {
  it("every worktree sees the same ledger (refs live in the common git dir)", async () => {
    const dir = await makeRepo();
    const wt = join(dir, "..", "repo-stream-exec");
    await sh(dir, "worktree", "add", "-q", "-b", "feature/stream-EXEC", wt);
    expect(await commonDir(wt)).toBe(await commonDir(dir));
    const fromWt = new GitRefStore({ cwd: wt });
    const r = await transact(fromWt, lockFn("exec-agent-1"));
    expect(r.outcome.kind).toBe("acquired");
    const fromMain = await new GitRefStore({ cwd: dir }).read();
    expect(fromMain.version).toBe(r.version);
    expect(fromMain.ledger.locks.map((k) => k.agent)).toEqual(["exec-agent-1"]);
    const denied = await transact(new GitRefStore({ cwd: dir }), lockFn("llm-agent-1"));
    expect(denied).toMatchObject({ wrote: false, outcome: { kind: "held", lock: { agent: "exec-agent-1" } } });
    expect(await sh(wt, "status", "--porcelain")).toBe("");
  });

  it("16 concurrent acquisitions of one path through separate stores: exactly one acquires", async () => {
    const dir = await makeRepo();
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => transact(new GitRefStore({ cwd: dir }), lockFn(`agent-${i}`), { retries: 30 })),
    );
    const acquired = results.filter((r) => r.outcome.kind === "acquired");
    expect(acquired).toHaveLength(1);
    const winner = (acquired[0]!.outcome as { lock: { agent: string } }).lock.agent;
    for (const r of results) expect((r.outcome as { lock: { agent: string } }).lock.agent).toBe(winner);
    const final = await new GitRefStore({ cwd: dir }).read();
    expect(final.ledger.locks.map((k) => k.agent)).toEqual([winner]);
    expect(await sh(dir, "rev-list", "--count", REF)).toBe("1");
  });

  it("8 concurrent acquisitions of different paths: all land, none is lost", async () => {
    const dir = await makeRepo();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => transact(new GitRefStore({ cwd: dir }), lockFn(`agent-${i}`, `src/file-${i}.py`), { retries: 40 })),
    );
    expect(results.every((r) => r.outcome.kind === "acquired" && r.wrote)).toBe(true);
    const final = await new GitRefStore({ cwd: dir }).read();
    expect(final.ledger.locks.map((k) => k.path).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `src/file-${i}.py`).sort());
    expect(await sh(dir, "rev-list", "--count", REF)).toBe("8");
    expect(results.some((r) => r.attempts > 1)).toBe(true); // there really was a race
  });
});

describe("GitRefStore from separate processes", () => {
  let worker = "";
  let bundleDir = "";

  beforeAll(async () => {
    // Bundle the worker once (inside the project so bare imports resolve against node_modules).
    const cache = resolve("node_modules", ".cache");
    mkdirSync(cache, { recursive: true });
    bundleDir = mkdtempSync(join(cache, "pucs-lock-worker-"));
    worker = join(bundleDir, "worker.mjs");
    await build({
      entryPoints: [resolve("test/git/fixtures/lock-worker.ts")],
      outfile: worker,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      packages: "external",
      logLevel: "warning",
    });
  });
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  interface WorkerResult {
    code: number | null;
    out: { kind: string; attempts?: number; holder?: string; message?: string };
  }

  function runWorker(cwd: string, path: string, agent: string, startAt: number): Promise<WorkerResult> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [worker, cwd, path, agent, String(startAt)], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", fail);
      child.on("close", (code) => {
        try {
          done({ code, out: JSON.parse(out) });
        } catch {
          fail(new Error(`worker ${agent} printed no result (exit ${code}): ${out}${err}`));
        }
      });
    });
  }

  async function repoWithWorktrees(): Promise<string[]> {
    const dir = await makeRepo();
    const dirs = [dir];
    for (const s of ["exec", "llm", "scan"]) {
      const wt = join(dir, "..", `repo-stream-${s}`);
      await sh(dir, "worktree", "add", "-q", "-b", `feature/stream-${s.toUpperCase()}`, wt);
      dirs.push(wt);
    }
    return dirs;
  }

  it("16 processes in 4 worktrees lock one path: exactly one acquires, 15 are told who holds it", async () => {
    const dirs = await repoWithWorktrees();
    const startAt = Date.now() + 1500;
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => runWorker(dirs[i % 4]!, "execution/x.py", `agent-${i}`, startAt)));
    expect(results.map((r) => r.code)).toEqual(Array(16).fill(0));
    const acquired = results.filter((r) => r.out.kind === "acquired");
    expect(acquired).toHaveLength(1);
    expect(results.filter((r) => r.out.kind === "held")).toHaveLength(15);
    const winner = acquired[0]!.out.holder;
    expect(results.every((r) => r.out.holder === winner)).toBe(true);
    const final = await new GitRefStore({ cwd: dirs[3]! }).read();
    expect(final.ledger.locks.map((k) => k.agent)).toEqual([winner]);
  });

  it("8 processes in 4 worktrees lock 8 different paths: every lock is in the final ledger", async () => {
    const dirs = await repoWithWorktrees();
    const startAt = Date.now() + 1500;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => runWorker(dirs[i % 4]!, `src/p${i}.py`, `agent-${i}`, startAt)));
    expect(results.map((r) => `${r.code}:${r.out.kind}`)).toEqual(Array(8).fill("0:acquired"));
    const final = await new GitRefStore({ cwd: dirs[0]! }).read();
    expect(final.ledger.locks.map((k) => `${k.path}:${k.agent}`).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `src/p${i}.py:agent-${i}`).sort());
    expect(await sh(dirs[0]!, "rev-list", "--count", REF)).toBe("8");
    // The author of every ledger commit is pucs: this machine has no git identity for these repositories.
    expect(new Set((await sh(dirs[0]!, "log", "--format=%an", REF)).split("\n"))).toEqual(new Set(["pucs"]));
  });
});

