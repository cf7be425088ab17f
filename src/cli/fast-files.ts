/**
 * Where `pucs check`'s fast path and its V8 code cache are (fast-load.ts), and reading both ahead
 * (issue 11). Its own small module (node:fs and node:path only) because dist/cli.js's boot
 * (check-boot.ts) uses it BEFORE it starts git, when node:vm and node:zlib are not loaded yet.
 *
 * Reading ahead: the boot opens the bundle and its cache file and hands each read, whole, to one of
 * libuv's threads, then forks the shell that runs git. Until git runs, the machine's other core is
 * idle: the reads (~400 KB, and on this project's VM each new page of memory costs a page fault of
 * ~20 us) are done there instead of on the main thread after the fork, when git keeps both cores busy.
 * A read that does not complete as asked (an error, a short read) is no read: the loader reads the
 * file itself, as it did without.
 */
import { closeSync, fstatSync, openSync, read, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** FNV-1a of a short string: the cache file's name, no more (the content is compared in full). */
function nameHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** The code cache file of the bundle `file` for this node in `cacheDir`. */
export function cacheFileOf(cacheDir: string, file: string): string {
  return join(cacheDir, `code-${nameHash(`${file}\0${process.version}\0${process.arch}`)}.bin`);
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

/** The whole file at `path` as one read on libuv's thread pool; null when it cannot be read so (no file, an error, a short read). */
export function readAhead(path: string): Promise<Buffer | null> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return Promise.resolve(null);
  }
  return new Promise((done) => {
    const finish = (buf: Buffer | null) => {
      try {
        closeSync(fd);
      } catch {
        /* nothing to do */
      }
      done(buf);
    };
    try {
      const size = fstatSync(fd).size;
      // Not from Buffer's pool: the pages are first written by the reading thread.
      const buf = Buffer.allocUnsafeSlow(size);
      if (size === 0) return finish(buf);
      read(fd, buf, 0, size, 0, (err, n) => finish(err || n !== size ? null : buf));
    } catch {
      finish(null);
    }
  });
}

/** The fast path's bundle and its code cache file as read ahead, with the paths they were read from (null: not read). */
export interface ReadAhead {
  file: string;
  bundle: Buffer | null;
  cacheFile: string | null;
  cache: Buffer | null;
}

/** Starts reading the bundle `file` and, with a cache directory, its code cache file. */
export function readBundleAhead(file: string, cacheDir: string | null): Promise<ReadAhead> {
  const cacheFile = cacheDir === null ? null : cacheFileOf(cacheDir, file);
  return Promise.all([readAhead(file), cacheFile === null ? null : readAhead(cacheFile)]).then(([bundle, cache]) => ({ file, bundle, cacheFile, cache }));
}
