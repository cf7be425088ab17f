/**
 * What `pucs check`'s fast path remembers between runs, in `<git common dir>/pucs-cache/`: the
 * validated ledger of a ledger commit and the validated config of a config file's bytes. Validating
 * them needs zod and js-yaml, most of the CLI's start-up cost; a commit hook runs `pucs check` again and
 * again on the same ledger and config, so it validates each once.
 *
 * - Content-addressed: a ledger commit id names its whole tree; a config entry is keyed by the file's
 *   path and whole text. The full key is stored in the entry and compared on every read (the file name
 *   is only a short hash of it), and an entry is written only after full validation, so a hit is what
 *   validation would give again; anything else (no entry, another build, unreadable) is a miss.
 * - Keyed by this build too (the size and mtime of this module's file): another pucs never reads it.
 * - Small and self-cleaning: a few entries per kind, the oldest removed; write-then-rename, so a reader
 *   never sees half a file. Every failure to read or write is a miss, never an error.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";

export const CACHE_DIR = "pucs-cache";
const KEEP = 4;

let build: string | null | undefined;
function buildStamp(): string | null {
  if (build === undefined) {
    try {
      const st = statSync(fileURLToPath(import.meta.url));
      build = `${st.size}:${st.mtimeMs}`;
    } catch {
      build = null;
    }
  }
  return build;
}

/**
 * A file name for a key, no more (the full key is compared on every read): its CRC-32 and length. Native
 * (node:zlib); a hash loop in JavaScript over a config's text costs milliseconds before V8 optimises it.
 */
function shortHash(s: string): string {
  return crc32(s).toString(16).padStart(8, "0") + s.length.toString(16).padStart(8, "0");
}

function fileOf(commonDir: string, kind: string, key: string, stamp: string): string {
  return join(commonDir, CACHE_DIR, `${kind}-${shortHash(`${stamp}\0${key}`)}.json`);
}

/** The value stored for (kind, key) by this build; undefined when there is none. */
export function cacheGet<T>(commonDir: string, kind: string, key: string): T | undefined {
  const stamp = buildStamp();
  if (stamp === null) return undefined;
  try {
    const doc = JSON.parse(readFileSync(fileOf(commonDir, kind, key, stamp), "utf8")) as { stamp: string; key: string; value: T };
    return doc.stamp === stamp && doc.key === key ? doc.value : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a validated value (best effort), keeping the newest few entries of its kind. */
export function cachePut(commonDir: string, kind: string, key: string, value: unknown): void {
  const stamp = buildStamp();
  if (stamp === null) return;
  try {
    const dir = join(commonDir, CACHE_DIR);
    mkdirSync(dir, { recursive: true });
    const file = fileOf(commonDir, kind, key, stamp);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ stamp, key, value }));
    renameSync(tmp, file);
    const mine = readdirSync(dir)
      .filter((f) => f.startsWith(`${kind}-`) && f.endsWith(".json"))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const old of mine.slice(KEEP)) unlinkSync(join(dir, old.f));
  } catch {
    /* a cache that cannot be written is a cache that misses */
  }
}
