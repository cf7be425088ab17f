/**
 * Several git commands started at once through ONE process (issue 11): `dist/cli.js` starts a plain
 * check's git commands (check-plan.ts) before it loads the fast path, and forking node costs several
 * milliseconds of its main thread per process where forking a small shell costs almost nothing. The
 * shell runs each git in the background, its output on a pipe of its own (fd 3, 4, …) followed by a
 * newline and its exit code; stderr is dropped (the fast path uses only output and exit code).
 *
 * An answer is used only for the same arguments in the same directory, and it is what src/git/gateway.ts
 * would return: the same `git` from PATH, the same environment (LC_ALL=C, LANGUAGE=C,
 * GIT_TERMINAL_PROMPT=0), stdin from /dev/null. Whatever goes wrong (no /bin/sh, a malformed answer,
 * a huge output) is null: the caller runs that command itself through the gateway.
 */
import { spawn } from "node:child_process";

export interface BatchAnswer {
  stdout: string;
  code: number;
}

export interface GitBatch {
  /** The answer of `git <args>` in `cwd` if this batch ran it (null: the caller runs it itself); undefined when it is not in the batch. */
  take(args: string[], cwd: string): Promise<BatchAnswer | null> | undefined;
  /** The same answer, left in the batch for `take`. */
  peek(args: string[], cwd: string): Promise<BatchAnswer | null> | undefined;
}

/** Larger answers are left to the gateway (which has its own limit and error). */
const MAX_BYTES = 64 * 1024 * 1024;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The shell script: each command in the background writing to its own fd, every other pipe closed in it, then the shell's own copies closed. */
export function batchScript(commands: string[][]): string {
  const fds = commands.map((_, k) => 3 + k);
  const lines = commands.map((args, k) => {
    const others = fds.filter((fd) => fd !== fds[k]).map((fd) => ` ${fd}>&-`).join("");
    return `{ git ${args.map(quote).join(" ")} 2>/dev/null; printf '\\n%d' $?; } >&${fds[k]}${others} &`;
  });
  return [...lines, `exec${fds.map((fd) => ` ${fd}>&-`).join("")}`, "wait", ""].join("\n");
}

/** Splits "<output>\n<exit code>" (the output's bytes decoded as the gateway decodes them). */
export function parseAnswer(buf: Buffer): BatchAnswer | null {
  const nl = buf.lastIndexOf(0x0a);
  if (nl === -1) return null;
  const tail = buf.subarray(nl + 1).toString("latin1");
  if (!/^\d{1,3}$/.test(tail)) return null;
  return { stdout: buf.subarray(0, nl).toString("utf8"), code: Number(tail) };
}

export function startGitBatch(commands: string[][], cwd: string): GitBatch {
  const answers = new Map<string, Promise<BatchAnswer | null>>();
  const key = (args: string[]) => JSON.stringify(args);
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn("/bin/sh", ["-c", batchScript(commands)], {
      cwd,
      env: { ...process.env, LC_ALL: "C", LANGUAGE: "C", GIT_TERMINAL_PROMPT: "0" },
      stdio: ["ignore", "ignore", "ignore", ...commands.map(() => "pipe" as const)],
      windowsHide: true,
    });
  } catch {
    const asked = new Set(commands.map(key));
    const none = (args: string[], at: string) => (at === cwd && asked.has(key(args)) ? Promise.resolve(null) : undefined);
    return { take: none, peek: none };
  }
  // A shell that cannot start fails every answer (each pipe then ends with nothing: null).
  child.on("error", () => {});
  commands.forEach((args, k) => {
    const pipe = child.stdio[3 + k] as NodeJS.ReadableStream | null;
    answers.set(
      key(args),
      new Promise((resolve) => {
        if (!pipe) return resolve(null);
        const parts: Buffer[] = [];
        let size = 0;
        pipe.on("data", (b: Buffer) => {
          size += b.length;
          if (size <= MAX_BYTES) parts.push(b);
        });
        pipe.on("error", () => resolve(null));
        pipe.on("end", () => resolve(size > MAX_BYTES ? null : parseAnswer(Buffer.concat(parts))));
        pipe.on("close", () => resolve(null)); // after "end" this is a no-op
      }),
    );
  });
  return {
    take(args, at) {
      if (at !== cwd) return undefined;
      const k = key(args);
      const a = answers.get(k);
      answers.delete(k);
      return a;
    },
    peek: (args, at) => (at === cwd ? answers.get(key(args)) : undefined),
  };
}
