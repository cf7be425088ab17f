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
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";
import { cacheFileOf, type ReadAhead } from "./fast-files.js";

export { cacheFileOf, guessCommonDir } from "./fast-files.js";

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

/**
 * The cache data stored for exactly the text `parts` make (the wrapper's bytes and the bundle's), or
 * undefined. `read`: the file's bytes, already read (readBundleAhead); else it is read here.
 */
export function readCodeCache(path: string, parts: Buffer[], read?: Buffer): Buffer | undefined {
  let buf: Buffer;
  try {
    buf = read ?? readFileSync(path);
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

/**
 * Compiles and runs the CommonJS bundle `file` (its exports), with the code cache kept in `cacheDir`
 * (null: none). `importer` answers the bundle's `__pucsImport(key)`. `ahead`: the files as
 * readBundleAhead read them, used only for the same paths (what was not read is read here).
 */
export function loadBundle<T>(file: string, cacheDir: string | null, importer: (key: string) => Promise<unknown>, ahead?: ReadAhead): Loaded<T> {
  const cachePath = cacheDir === null ? null : cacheFileOf(cacheDir, file);
  const mine = ahead !== undefined && ahead.file === file;
  const raw = (mine ? ahead.bundle : null) ?? readFileSync(file);
  // The build writes the bundle in ASCII (non-ASCII characters escaped): decoded as one byte per character.
  const code = HEAD + raw.toString(isAscii(raw) ? "latin1" : "utf8") + TAIL;
  // The bytes of `code` (the wrapper is ASCII): what the cache must hold.
  const parts = [Buffer.from(HEAD, "latin1"), raw, Buffer.from(TAIL, "latin1")];
  const cachedData = cachePath === null ? undefined : readCodeCache(cachePath, parts, (mine && ahead.cacheFile === cachePath ? ahead.cache : null) ?? undefined);
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
