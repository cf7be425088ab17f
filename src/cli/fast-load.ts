/**
 * Loads a CommonJS bundle (`pucs check`'s fast path, dist/chunks/check-fast.cjs) through node:vm with V8
 * code cache data (issue 11): compiling its ~200 KB on every check was most of what loading it cost,
 * and Node 20 keeps no compile cache of its own (`module.enableCompileCache` is Node 22).
 *
 * The cache is one file per bundle path and node in `<git common dir>/pucs-cache/` (check-cache.ts's
 * directory), written after a run that did not hit it, so that it holds the functions the run compiled.
 * V8 checks little of what it is given (the source's LENGTH, its version and flags; in a release build
 * not even a checksum), so nothing reaches it that is not exactly this:
 *
 * - the file starts with a header naming node, V8 and the architecture, the lengths, and the CRC-32 of
 *   the cache data: another node, a damaged or truncated file, is a miss;
 * - the file holds the whole text V8 compiled (the bundle and its wrapper) and it must equal, byte for
 *   byte, what is compiled now: a cache of another build or a hand-edited bundle is a miss;
 * - what V8 still rejects (`cachedDataRejected`, e.g. other V8 flags) is compiled from source.
 *
 * Every miss compiles the source as if there were no cache; a file that cannot be read or written is a
 * miss, never an error. Written to a temporary name then renamed: a reader never sees half a file.
 */
import { isAscii } from "node:buffer";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";

const MAGIC = "pucs-code-cache 1";
/** Code caches kept per repository (one per bundle path and node; the oldest go). */
const KEEP = 3;
/** The CommonJS wrapper: the bundle's `require`, `module`, `__filename`, and the `import()` it was built to call. */
const HEAD = "(function (exports, require, module, __filename, __dirname, __pucsImport) {";
const TAIL = "\n})";

export type CacheState = "hit" | "miss" | "rejected" | "none";

export interface Loaded<T> {
  exports: T;
  /** hit: compiled from the cache; miss: no usable cache file; rejected: V8 refused it; none: no cache directory. */
  state: CacheState;
  /** Writes the cache data of what has been compiled so far (not after a hit: it is there), if `cacheDir` is where it was read from. Best effort. */
  save(cacheDir: string): void;
}

/** FNV-1a of a short string: the cache file's name, no more (the content is compared in full). */
function nameHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

interface Header {
  node: string;
  v8: string;
  arch: string;
  /** Bytes of the compiled text, then of the cache data. */
  text: number;
  data: number;
  crc: number;
}

function header(text: number, data: Buffer): Header {
  return { node: process.version, v8: process.versions.v8, arch: process.arch, text, data: data.length, crc: crc32(data) };
}

export function cacheFileOf(cacheDir: string, file: string): string {
  return join(cacheDir, `code-${nameHash(`${file}\0${process.version}\0${process.arch}`)}.bin`);
}

/** The cache data stored for exactly the text `parts` make (the wrapper's bytes and the bundle's), or undefined. */
export function readCodeCache(path: string, parts: Buffer[]): Buffer | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return undefined;
  }
  const nl1 = buf.indexOf(0x0a);
  const nl2 = nl1 === -1 ? -1 : buf.indexOf(0x0a, nl1 + 1);
  if (nl2 === -1 || buf.toString("latin1", 0, nl1) !== MAGIC) return undefined;
  let h: Header;
  try {
    h = JSON.parse(buf.toString("utf8", nl1 + 1, nl2)) as Header;
  } catch {
    return undefined;
  }
  const text = parts.reduce((n, p) => n + p.length, 0);
  if (h.node !== process.version || h.v8 !== process.versions.v8 || h.arch !== process.arch || h.text !== text || typeof h.data !== "number") return undefined;
  let at = nl2 + 1;
  if (buf.length !== at + h.text + h.data) return undefined;
  for (const p of parts) {
    if (!buf.subarray(at, at + p.length).equals(p)) return undefined;
    at += p.length;
  }
  const data = buf.subarray(at);
  return crc32(data) === h.crc ? data : undefined;
}

/** Stores `data` for the text `parts` make (best effort), keeping the newest few code caches. */
export function writeCodeCache(path: string, parts: Buffer[], data: Buffer): void {
  try {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const text = parts.reduce((n, p) => n + p.length, 0);
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC}\n${JSON.stringify(header(text, data))}\n`, "utf8"), ...parts, data]));
    renameSync(tmp, path);
    const mine = readdirSync(dir)
      .filter((f) => f.startsWith("code-") && f.endsWith(".bin"))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const old of mine.slice(KEEP)) unlinkSync(join(dir, old.f));
  } catch {
    /* a cache that cannot be written is a cache that misses */
  }
}

/** `gitdir`'s common dir: where its `commondir` file points (a linked worktree's), else itself. */
function commonDirOf(gitdir: string): string {
  const file = join(gitdir, "commondir");
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? resolve(gitdir, readFileSync(file, "utf8").trim()) : gitdir;
}

/**
 * Where git will say the common dir is, before it says so (the code cache is read while git runs):
 * the first `.git` up from `cwd`, a directory or a worktree's `gitdir:` file. null when the environment
 * points git elsewhere (GIT_DIR, GIT_COMMON_DIR, GIT_WORK_TREE) or nothing is found. Only a guess: a
 * cache read from a wrong place is still checked in full, and the cache is written only where git said.
 */
export function guessCommonDir(cwd: string, env: Record<string, string | undefined>): string | null {
  if (env.GIT_DIR || env.GIT_COMMON_DIR || env.GIT_WORK_TREE) return null;
  try {
    for (let dir = cwd; ; ) {
      const dotGit = join(dir, ".git");
      const st = statSync(dotGit, { throwIfNoEntry: false });
      if (st?.isDirectory()) return commonDirOf(dotGit);
      if (st?.isFile()) {
        const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, "utf8"));
        return m ? commonDirOf(resolve(dir, m[1]!.trim())) : null;
      }
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}

/**
 * Compiles and runs the CommonJS bundle `file` (its exports), with the code cache kept in `cacheDir`
 * (null: none). `importer` answers the bundle's `__pucsImport(key)`.
 */
export function loadBundle<T>(file: string, cacheDir: string | null, importer: (key: string) => Promise<unknown>): Loaded<T> {
  const raw = readFileSync(file);
  // The build writes the bundle in ASCII (non-ASCII characters escaped): decoded as one byte per character.
  const code = HEAD + raw.toString(isAscii(raw) ? "latin1" : "utf8") + TAIL;
  const cachePath = cacheDir === null ? null : cacheFileOf(cacheDir, file);
  // The bytes of `code` (the wrapper is ASCII): what the cache must hold.
  const parts = [Buffer.from(HEAD, "latin1"), raw, Buffer.from(TAIL, "latin1")];
  const cachedData = cachePath === null ? undefined : readCodeCache(cachePath, parts);
  const script = new Script(code, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const state: CacheState = cachePath === null ? "none" : !cachedData ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), importer);
  return {
    exports: module.exports,
    state,
    save(at) {
      if (cachePath === null || state === "hit" || at !== cacheDir) return;
      try {
        writeCodeCache(cachePath, parts, script.createCachedData());
      } catch {
        /* best effort */
      }
    },
  };
}
