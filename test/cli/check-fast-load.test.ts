/**
 * Issue 11: `dist/cli.js` compiles `pucs check`'s fast path from one CommonJS file
 * (dist/chunks/check-fast.cjs) with V8 code cache data (src/cli/fast-load.ts) kept in
 * `<git common dir>/pucs-cache/`. It may not change an answer: a missing, damaged, foreign or rejected
 * code cache compiles from source, and the bundle prints what the full command prints.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAZY, lazyImport } from "../../src/cli/check-lazy.js";
import { endsNow } from "../../src/cli/check-boot.js";
import { cacheFileOf, guessCommonDir, loadBundle, readCodeCache, writeCodeCache } from "../../src/cli/fast-load.js";
import { lockedBranchRepo, pucs, pucsProcess, ROOT, sh, type TestRepo } from "./helpers.js";

const T = Date.parse("2026-11-23T20:00:00Z");
const NOW = { PUCS_NOW: "2026-11-23T20:00:00Z" };
let r: TestRepo;

beforeAll(async () => {
  r = await lockedBranchRepo(T);
});
afterAll(() => r.cleanup());

describe("V8 code cache data (fast-load.ts)", () => {
  let dir: string;
  let bundle: string;
  const SRC = `exports.answer = (n) => n * 2 + ${"1".repeat(8)};\nexports.later = () => __pucsImport("k");\n`;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pucs-code-cache-"));
    bundle = join(dir, "b.cjs");
    writeFileSync(bundle, SRC);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (cacheDir: string | null) => loadBundle<{ answer(n: number): number; later(): Promise<unknown> }>(bundle, cacheDir, async (k) => ({ key: k }));

  it("none without a directory, a miss then a hit with one; the same answers every time", async () => {
    const cacheDir = join(dir, "cache");
    const none = load(null);
    expect(none.state).toBe("none");
    const miss = load(cacheDir);
    expect(miss.state).toBe("miss");
    expect(miss.exports.answer(1)).toBe(11111113);
    await expect(miss.exports.later()).resolves.toEqual({ key: "k" });
    miss.save(cacheDir);
    expect(existsSync(cacheFileOf(cacheDir, bundle))).toBe(true);
    const hit = load(cacheDir);
    expect(hit.state).toBe("hit");
    expect(hit.exports.answer(2)).toBe(11111115);
    await expect(hit.exports.later()).resolves.toEqual({ key: "k" });
  });

  it("saves only where it read (git's common dir, not a wrong guess) and not after a hit", () => {
    const a = join(dir, "a");
    const l = load(a);
    l.save(join(dir, "elsewhere"));
    expect(existsSync(join(dir, "elsewhere"))).toBe(false);
    l.save(a);
    const before = readFileSync(cacheFileOf(a, bundle));
    const hit = load(a);
    expect(hit.state).toBe("hit");
    writeFileSync(cacheFileOf(a, bundle), before.subarray(0, 10)); // would be rewritten by a save
    hit.save(a);
    expect(readFileSync(cacheFileOf(a, bundle)).length).toBe(10);
  });

  it("a damaged, truncated, foreign or other node's cache file is a miss, and the bundle still answers", () => {
    const cacheDir = join(dir, "damaged");
    load(cacheDir).save(cacheDir);
    const file = cacheFileOf(cacheDir, bundle);
    const good = readFileSync(file);
    const variants: [string, Buffer][] = [
      // one byte of V8's data flipped (V8 itself would not notice: no checksum in a release build)
      ["flipped data", Buffer.concat([good.subarray(0, good.length - 40), Buffer.from([good[good.length - 40]! ^ 0xff]), good.subarray(good.length - 39)])],
      ["truncated", good.subarray(0, good.length - 7)],
      ["garbage", Buffer.from("not a cache at all")],
      ["empty", Buffer.alloc(0)],
      ["another node", Buffer.from(good.toString("latin1").replace(process.version, "v0.0.1"), "latin1")],
    ];
    for (const [what, bytes] of variants) {
      writeFileSync(file, bytes);
      const l = load(cacheDir);
      expect(l.state, what).toBe("miss");
      expect(l.exports.answer(3), what).toBe(11111117);
    }
  });

  it("the cache of another bundle of the same length is a miss (V8 checks only the length)", () => {
    const cacheDir = join(dir, "foreign");
    const other = join(dir, "other.cjs");
    writeFileSync(other, SRC.replace("n * 2", "n * 3"));
    const o = loadBundle<{ answer(n: number): number }>(other, cacheDir, async () => null);
    o.save(cacheDir);
    expect(readFileSync(other).length).toBe(readFileSync(bundle).length);
    // The other bundle's cache file, where this bundle's would be.
    writeFileSync(cacheFileOf(cacheDir, bundle), readFileSync(cacheFileOf(cacheDir, other)));
    const l = load(cacheDir);
    expect(l.state).toBe("miss");
    expect(l.exports.answer(1)).toBe(11111113);
  });

  it("data V8 rejects is compiled from source", () => {
    const cacheDir = join(dir, "rejected");
    // A source of its own (V8 answers a source it compiled before in this process from memory, whatever the data).
    const own = join(dir, "own.cjs");
    const src = SRC.replace("n * 2", "n * 2 /* rejected */");
    writeFileSync(own, src);
    const text = [Buffer.from("(function (exports, require, module, __filename, __dirname, __pucsImport) {"), Buffer.from(src), Buffer.from("\n})")];
    // Valid for our header, text and CRC, but V8's data of another script (another length: V8 refuses it).
    writeCodeCache(cacheFileOf(cacheDir, own), text, new Script("1 + 1").createCachedData());
    expect(readCodeCache(cacheFileOf(cacheDir, own), text)).toBeDefined();
    const l = loadBundle<{ answer(n: number): number }>(own, cacheDir, async () => null);
    expect(l.state).toBe("rejected");
    expect(l.exports.answer(1)).toBe(11111113);
    l.save(cacheDir);
    expect(loadBundle<{ answer(n: number): number }>(own, cacheDir, async () => null).state).toBe("hit");
  });

  it("guesses git's common dir: the repository, from a subdirectory, from a linked worktree; nothing when GIT_DIR says otherwise", () => {
    const common = realpathSync(join(r.dir, ".git"));
    expect(guessCommonDir(r.dir, {})).toBe(common);
    expect(guessCommonDir(join(r.dir, "execution"), {})).toBe(common);
    const wt = join(r.base, "wt");
    sh(r.dir, "worktree", "add", "-q", wt, "main");
    try {
      expect(realpathSync(guessCommonDir(wt, {})!)).toBe(common);
      expect(sh(wt, "rev-parse", "--path-format=absolute", "--git-common-dir").trim()).toBe(common);
    } finally {
      sh(r.dir, "worktree", "remove", "--force", wt);
    }
    expect(guessCommonDir(r.dir, { GIT_DIR: "/elsewhere" })).toBeNull();
    expect(guessCommonDir(tmpdir(), {})).toBeNull();
  });
});

describe("ending the process after the fast path's report (check-boot.ts's endsNow)", () => {
  const quiet = { listenerCount: () => 0 };
  it("only when every stream written to has flushed and nobody waits for 'beforeExit'", () => {
    expect(endsNow([null, null], quiet)).toBe(true);
    expect(endsNow([{ writableLength: 0 }, null], quiet)).toBe(true);
    expect(endsNow([{ writableLength: 0 }, { writableLength: 0 }], quiet)).toBe(true);
    expect(endsNow([{ writableLength: 65536 }, null], quiet)).toBe(false); // a pipe's write still pending
    expect(endsNow([{ writableLength: 0 }, { writableLength: 12 }], quiet)).toBe(false);
    expect(endsNow([{ writableLength: 0, errored: new Error("write EPIPE") }, null], quiet)).toBe(false); // the reader went away
    expect(endsNow([{ writableLength: 0, errored: null }, null], quiet)).toBe(true);
    expect(endsNow([{ writableLength: 0 }, null], { listenerCount: (e) => (e === "beforeExit" ? 1 : 0) })).toBe(false);
  });

  it("a reader that is gone: node reports the EPIPE as it does without the early exit", async () => {
    const copy = join(r.base, "dist-epipe");
    rmSync(copy, { recursive: true, force: true });
    cpSync(join(ROOT, "dist"), copy, { recursive: true });
    writeFileSync(join(copy, "chunks", "check-fast.cjs"), "exports.fastCheck = async (argv, io) => { io.out('report\\n'); return 0; };\n");
    try {
      const child = spawn(process.execPath, [join(copy, "cli.js"), "check"], { cwd: r.dir, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.destroy(); // closed long before node has started and written
      let err = "";
      child.stderr.on("data", (b: Buffer) => (err += b.toString()));
      const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
      expect(code).not.toBe(0);
      expect(err).toContain("EPIPE");
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("a report larger than a pipe holds, read slowly, arrives whole (dist/cli.js waits for it)", () => {
    // A stand-in fast path that prints 1 MB: more than a pipe buffer, so the write is still pending when it returns.
    const copy = join(r.base, "dist-big");
    rmSync(copy, { recursive: true, force: true });
    cpSync(join(ROOT, "dist"), copy, { recursive: true });
    writeFileSync(join(copy, "chunks", "check-fast.cjs"), "exports.fastCheck = async (argv, io) => { io.out('x'.repeat(1 << 20) + '\\n'); return 0; };\n");
    try {
      const out = execFileSync("sh", ["-c", `"$0" "$1" check | (sleep 0.5; wc -c)`, process.execPath, join(copy, "cli.js")], { cwd: r.dir, encoding: "utf8" });
      expect(out.trim()).toBe(String((1 << 20) + 1));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe("the fast path's bundle as dist/cli.js runs it (npm run build first)", () => {
  const cjs = join(ROOT, "dist", "chunks", "check-fast.cjs");

  it("has no import() left; every key it asks for is in check-lazy.ts, each naming the module it loads", async () => {
    const text = readFileSync(cjs, "utf8");
    expect(text).not.toMatch(/\bimport\s*\(/);
    const keys = [...new Set([...text.matchAll(/__pucsImport\("([^"]+)"\)/g)].map((m) => m[1]!))];
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(Object.keys(LAZY)).toContain(k);
    for (const k of Object.keys(LAZY).filter((k) => k.startsWith("src/"))) {
      expect(await lazyImport(k)).toBe(await import(join(ROOT, k.replace(/\.ts$/, ".js"))));
    }
    await expect(lazyImport("src/nothing.ts")).rejects.toThrow(/does not provide/);
  });

  it("a broken or missing fast path bundle or boot: dist/cli.js and the bin's CommonJS entry dist/pucs.cjs run the full command (the same bytes)", async () => {
    const copy = join(r.base, "dist-copy");
    const argv = ["check", "--json"];
    const full = await pucs(r.dir, argv, { now: T, env: { PUCS_AGENT: "me" } });
    const runWith = (entry: string, args: readonly string[] = argv) => {
      const p = spawnSync(process.execPath, [join(copy, entry), ...args], { cwd: r.dir, env: { ...process.env, PUCS_AGENT: "me", ...NOW }, encoding: "utf8" });
      return { code: p.status, out: p.stdout, err: p.stderr };
    };
    const run = () => {
      const viaEsm = runWith("cli.js");
      expect(runWith("pucs.cjs")).toEqual(viaEsm);
      return viaEsm;
    };
    // Intact: the same answer through either entry; any other command through the full CLI. The bin's
    // entry answers a check by the fast path without loading dist/cli.js at all (here it is gone).
    rmSync(copy, { recursive: true, force: true });
    cpSync(join(ROOT, "dist"), copy, { recursive: true });
    expect(run()).toEqual({ code: full.code, out: full.out, err: full.err });
    rmSync(join(copy, "cli.js"));
    expect(runWith("pucs.cjs")).toEqual({ code: full.code, out: full.out, err: full.err });
    cpSync(join(ROOT, "dist", "cli.js"), join(copy, "cli.js"));
    const status = await pucs(r.dir, ["status", "--json"], { now: T, env: { PUCS_AGENT: "me" } });
    expect(runWith("pucs.cjs", ["status", "--json"])).toEqual({ code: status.code, out: status.out, err: status.err });
    for (const [what, file, text] of [
      ["no fastCheck", "check-fast.cjs", "exports.other = 1;\n"],
      ["a syntax error", "check-fast.cjs", "exports.fastCheck = (;\n"],
      ["a throwing fast path", "check-fast.cjs", "exports.fastCheck = async () => { throw new Error('boom'); };\n"],
      ["no fast path", "check-fast.cjs", null],
      ["no boot", "check-boot.cjs", null],
    ] as const) {
      rmSync(copy, { recursive: true, force: true });
      cpSync(join(ROOT, "dist"), copy, { recursive: true });
      if (text === null) rmSync(join(copy, "chunks", file));
      else writeFileSync(join(copy, "chunks", file), text);
      expect(run(), what).toEqual({ code: full.code, out: full.out, err: full.err });
    }
    rmSync(copy, { recursive: true, force: true });
  });

  it("prints what the full command prints, with no cache, a fresh one, a damaged one and a foreign one; and repairs it", async () => {
    const env = { PUCS_AGENT: "me", ...NOW };
    const cacheDir = join(r.dir, ".git", "pucs-cache");
    const codeFiles = () => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.startsWith("code-")) : []);
    rmSync(cacheDir, { recursive: true, force: true });
    for (const argv of [["check", "--json"], ["check", "--base", "main"]]) {
      const full = await pucs(r.dir, argv, { now: T, env: { PUCS_AGENT: "me" } });
      const want = { code: full.code, out: full.out, err: full.err };
      const run = async () => {
        const p = await pucsProcess(r.dir, argv, env);
        return { code: p.code, out: p.out, err: p.err };
      };
      expect(await run()).toEqual(want); // a miss: written after the run
      expect(codeFiles()).toHaveLength(1);
      const file = join(cacheDir, codeFiles()[0]!);
      const good = readFileSync(file);
      const stamp = statSync(file).mtimeMs;
      expect(await run()).toEqual(want); // a hit: not rewritten
      expect(statSync(file).mtimeMs).toBe(stamp);
      const damaged = Buffer.from(good);
      for (let i = good.length - 5000; i < good.length; i += 97) damaged[i] = damaged[i]! ^ 0x5a;
      const foreign = join(r.base, "foreign");
      const other = join(foreign, "other.cjs");
      mkdirSync(foreign, { recursive: true });
      writeFileSync(other, "exports.fastCheck = async () => 0;\n");
      loadBundle(other, foreign, lazyImport).save(foreign);
      for (const [what, bytes] of [
        ["damaged", damaged],
        ["foreign", readFileSync(cacheFileOf(foreign, other))],
        ["truncated", good.subarray(0, 100)],
        ["garbage", Buffer.from("garbage")],
      ] as const) {
        writeFileSync(file, bytes);
        expect(await run(), what).toEqual(want);
        // Rewritten after the miss, and a hit again.
        expect(readFileSync(file).equals(bytes), what).toBe(false);
        const at = statSync(file).mtimeMs;
        expect(await run(), what).toEqual(want);
        expect(statSync(file).mtimeMs, what).toBe(at);
      }
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
