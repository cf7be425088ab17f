/**
 * Issue 11: `pucs check`'s fast path (src/cli/check-fast.ts) prints exactly what the full command
 * prints, or hands the command back untouched (null, nothing printed) for the full command to run.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastCheck } from "../../src/cli/check-fast.js";
import { lockedBranchRepo, makeRepo, pucs, sh, type TestRepo } from "./helpers.js";

const T = Date.parse("2026-11-23T20:00:00Z");
let r: TestRepo;

async function fast(cwd: string, argv: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const code = await fastCheck(argv, { cwd, env, now: () => T, out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

/** The fast path's answer and the full command's, for the same arguments. */
async function both(cwd: string, argv: string[], env: Record<string, string> = {}) {
  const f = await fast(cwd, argv, env);
  const full = await pucs(cwd, ["check", ...argv], { now: T, env });
  return { f, full };
}

beforeAll(async () => {
  r = await lockedBranchRepo(T);
});
afterAll(() => r.cleanup());

describe("pucs check's fast path", () => {
  it.each([
    [["--json"]],
    [["--base", "main", "--json"]],
    [["--base", "main"]],
    [["--format", "markdown"]],
    [["--stream", "exec", "--agent", "someone", "--json"]],
  ])("pucs check %j: the same bytes and exit code as the full command", async (argv) => {
    const { f, full } = await both(r.dir, argv, { PUCS_AGENT: "me" });
    expect(f.code).not.toBeNull();
    expect(f).toEqual({ code: full.code, out: full.out, err: full.err });
    expect(f.code).toBe(1);
  });

  it("the same from a subdirectory (untracked files of the whole tree, paths from the top)", async () => {
    const { f, full } = await both(join(r.dir, "observability"), ["--json"], { PUCS_AGENT: "me" });
    expect(f).toEqual({ code: full.code, out: full.out, err: full.err });
    expect(JSON.parse(f.out).files.map((x: { path: string }) => x.path).sort()).toEqual(["api/new_handler.py", "execution/fill_predictor.py", "observability/metrics.py"]);
  });

  it("the same on a detached HEAD (no branch: the change is HEAD)", async () => {
    sh(r.dir, "checkout", "-q", "--detach");
    try {
      const { f, full } = await both(r.dir, ["--json"], { PUCS_AGENT: "me" });
      expect(f).toEqual({ code: full.code, out: full.out, err: full.err });
      expect(JSON.parse(f.out).report.change).toBe("HEAD");
    } finally {
      sh(r.dir, "checkout", "-q", "feature/stream-EXEC");
    }
  });

  it("keeps the validated ledger and config by content: a new claim is seen at once, a damaged entry is a miss", async () => {
    const cache = join(r.dir, ".git", "pucs-cache");
    expect(readdirSync(cache).map((f) => f.replace(/-.*/, "")).sort()).toEqual(["config", "ledger"]);
    expect((await pucs(r.dir, ["lock", "observability/**", "--agent", "other", "--stream", "OBS", "--task", "metrics"], { now: T })).code).toBe(0);
    const after = await fast(r.dir, ["--json"], { PUCS_AGENT: "me" });
    expect(JSON.parse(after.out).report.conflicts.map((c: { file: string }) => c.file)).toContain("observability/metrics.py");
    for (const f of readdirSync(cache)) writeFileSync(join(cache, f), "{ not json");
    const { f, full } = await both(r.dir, ["--json"], { PUCS_AGENT: "me" });
    expect(f).toEqual({ code: full.code, out: full.out, err: full.err });
  });

  it.each([[["--record"]], [["--help"]], [["--remote", "origin"]], [["--stream", "NOPE"]], [["--format", "html"]], [["--bogus"]], [["--base", "no-such-branch"]]])(
    "hands %j back to the full command, printing nothing",
    async (argv) => {
      expect(await fast(r.dir, argv)).toEqual({ code: null, out: "", err: "" });
    },
  );

  it("hands back an invalid config and a corrupt ledger (the full command says what is wrong)", async () => {
    const bad = makeRepo();
    try {
      writeFileSync(join(bad.dir, "config", "pucs_streams.yaml"), "streams: [\n");
      expect(await fast(bad.dir, ["--json"])).toEqual({ code: null, out: "", err: "" });
      expect((await pucs(bad.dir, ["check", "--json"])).code).toBe(2);
    } finally {
      bad.cleanup();
    }
  });
});
