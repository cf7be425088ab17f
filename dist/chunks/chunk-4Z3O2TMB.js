import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);

// src/git/gateway.ts
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
var MAX_OUTPUT_BYTES = 512 * 1024 * 1024;
var GitError = class extends Error {
  constructor(message, command, exitCode, stderr) {
    super(message);
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.name = "GitError";
  }
  command;
  exitCode;
  stderr;
};
function commandLine(args) {
  return ["git", ...args.map((a) => /^[\w@%+=:,./^~-]+$/.test(a) ? a : JSON.stringify(a))].join(" ");
}
function firstLine(s) {
  const lines = s.split("\n").map((x) => x.trim()).filter((x) => x !== "");
  return lines.find((x) => /^(fatal|error):/.test(x)) ?? lines[0] ?? "";
}
function git(args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      env: { ...process.env, LC_ALL: "C", LANGUAGE: "C", GIT_TERMINAL_PROMPT: "0", ...opts.env },
      // No input: stdin is /dev/null (git sees its end at once), one pipe fewer to set up per process.
      stdio: [opts.input === void 0 ? "ignore" : "pipe", "pipe", "pipe"],
      windowsHide: true
    });
    const out = [];
    const err = [];
    let size = 0;
    let overflow = false;
    const collect = (into) => (chunk) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        if (!overflow) {
          overflow = true;
          child.kill();
        }
        return;
      }
      into.push(chunk);
    };
    child.stdout.on("data", collect(out));
    child.stderr.on("data", collect(err));
    child.on("error", (e) => {
      const why = e.code === "ENOENT" ? existsSync(opts.cwd) ? "git is not installed or not on PATH: install git and try again" : `directory ${opts.cwd} does not exist` : `cannot run git: ${e.message}`;
      reject(new GitError(why, commandLine(args), -1, ""));
    });
    child.stdin?.on("error", () => {
    });
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (overflow) {
        reject(new GitError(`${commandLine(args)} produced more than ${MAX_OUTPUT_BYTES} bytes of output`, commandLine(args), -1, stderr));
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr, code: code ?? (signal ? 128 : 1) });
    });
    child.stdin?.end(opts.input);
  });
}
function gitError(args, res, cwd) {
  const cmd = commandLine(args);
  const line = firstLine(res.stderr);
  if (/not a git repository/i.test(res.stderr)) {
    return new GitError(
      `${cwd} is not inside a git repository (${cmd} said: ${line}). Run pucs inside a clone or worktree, or run \`git init\` first.`,
      cmd,
      res.code,
      res.stderr
    );
  }
  return new GitError(`${cmd} failed (exit ${res.code}): ${line || "no error output"}`, cmd, res.code, res.stderr);
}
async function gitOk(args, opts) {
  const res = await git(args, opts);
  if (res.code !== 0) throw gitError(args, res, opts.cwd);
  return res.stdout;
}
var trimEnd = (s) => s.replace(/\r?\n$/, "");
async function repoRoot(cwd) {
  return trimEnd(await gitOk(["rev-parse", "--show-toplevel"], { cwd }));
}
async function commonDir(cwd) {
  return trimEnd(await gitOk(["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd }));
}
async function currentBranch(cwd) {
  const args = ["symbolic-ref", "--quiet", "--short", "HEAD"];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && !/not a git repository/i.test(res.stderr)) return null;
  throw gitError(args, res, cwd);
}
async function revParse(cwd, ref) {
  const args = ["rev-parse", "--verify", "--quiet", "--end-of-options", ref];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && !/not a git repository/i.test(res.stderr)) return null;
  throw gitError(args, res, cwd);
}
async function mergeBase(cwd, a, b) {
  const args = ["merge-base", a, b];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && res.stderr.trim() === "") return null;
  throw gitError(args, res, cwd);
}
async function defaultBaseRef(cwd) {
  const sym = await git(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], { cwd });
  if (sym.code === 0) {
    const target = trimEnd(sym.stdout).replace(/^refs\/remotes\//, "");
    if (await revParse(cwd, `refs/remotes/${target}^{commit}`) !== null) return target;
  } else if (/not a git repository/i.test(sym.stderr)) {
    throw gitError(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], sym, cwd);
  }
  const candidates = [
    ["origin/main", "refs/remotes/origin/main"],
    ["main", "refs/heads/main"],
    ["master", "refs/heads/master"]
  ];
  for (const [name, full] of candidates) {
    if (await revParse(cwd, `${full}^{commit}`) !== null) return name;
  }
  return null;
}
async function diffAgainst(cwd, base) {
  if (await revParse(cwd, `${base}^{commit}`) === null) {
    throw new GitError(
      `base ${base} does not name a commit in ${cwd}: pass an existing branch or commit (e.g. --base origin/main), or fetch it first`,
      `git rev-parse --verify ${base}^{commit}`,
      1,
      ""
    );
  }
  const head = await revParse(cwd, "HEAD^{commit}");
  let from;
  if (head === null) {
    from = base;
  } else {
    const mb = await mergeBase(cwd, "HEAD", base);
    if (mb === null) {
      throw new GitError(
        `HEAD and ${base} share no history in ${cwd}, so there is no merge base to diff against: pass --base with a related branch`,
        `git merge-base HEAD ${base}`,
        1,
        ""
      );
    }
    from = mb;
  }
  return gitOk(
    [
      "-c",
      "core.quotePath=false",
      "-c",
      "diff.noprefix=false",
      "-c",
      "diff.mnemonicPrefix=false",
      // histogram: the alignment git's merge uses, so changed regions are the ones a merge compares (issue 15).
      "diff",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "-M",
      "-U3",
      "--diff-algorithm=histogram",
      "--src-prefix=a/",
      "--dst-prefix=b/",
      from,
      "--"
    ],
    { cwd }
  );
}
async function untrackedFiles(cwd) {
  const out = await gitOk(["-c", "core.quotePath=false", "ls-files", "-z", "--others", "--exclude-standard", "--full-name"], { cwd: await repoRoot(cwd) });
  return out.split("\0").filter((f) => f !== "");
}
var UNTRACKED_DIFF_LIMIT = 200;
async function untrackedDiff(cwd) {
  const root = await repoRoot(cwd);
  return untrackedDiffOf(root, await untrackedFiles(root));
}
async function untrackedDiffOf(root, files) {
  const shown = files.slice(0, UNTRACKED_DIFF_LIMIT);
  const parts = [];
  for (let i = 0; i < shown.length; i += 8) {
    const batch = await Promise.all(
      shown.slice(i, i + 8).map(async (f) => {
        const args = ["-c", "core.quotePath=false", "diff", "--no-index", "--no-color", "--no-ext-diff", "--no-textconv", "-U3", "--src-prefix=a/", "--dst-prefix=b/", "--", "/dev/null", f];
        const r = await git(args, { cwd: root });
        if (r.code !== 0 && r.code !== 1) throw gitError(args, r, root);
        return r.stdout;
      })
    );
    parts.push(...batch);
  }
  return { diff: parts.join(""), whole: files.slice(UNTRACKED_DIFF_LIMIT) };
}
async function remoteHasRef(cwd, remote, ref, timeoutMs = 1e4) {
  const args = ["ls-remote", "--exit-code", remote, ref];
  const r = await Promise.race([git(args, { cwd }), new Promise((res) => setTimeout(() => res(null), timeoutMs).unref())]);
  if (r === null) return null;
  if (r.code === 0) return r.stdout.trim() !== "";
  if (r.code === 2) return false;
  return null;
}
async function configAndRemotes(cwd, key) {
  const r = await git(["config", "-z", "--get-regexp", `^(${key.replace(/\./g, "\\.")}|remote\\..*\\.url)$`], { cwd });
  let value = null;
  const remotes = [];
  if (r.code === 0) {
    for (const entry of r.stdout.split("\0")) {
      const nl = entry.indexOf("\n");
      if (nl === -1) continue;
      const name = entry.slice(0, nl);
      if (name === key) value = entry.slice(nl + 1);
      else if (name.startsWith("remote.") && name.endsWith(".url")) remotes.push(name.slice("remote.".length, -".url".length));
    }
  }
  return { value, remotes };
}
async function configSet(cwd, key, value) {
  await gitOk(["config", "--local", key, value], { cwd });
}
async function commitMessages(cwd, range) {
  const out = await gitOk(["log", "--format=%B%x00", range, "--"], { cwd });
  return out.split("\0").map((m) => m.trim()).filter((m) => m !== "");
}
async function worktreeAdd(cwd, path, branch, startPoint) {
  const exists = await revParse(cwd, `refs/heads/${branch}`) !== null;
  const args = exists ? ["worktree", "add", path, branch] : ["worktree", "add", "-b", branch, path, startPoint];
  await gitOk(args, { cwd });
}
async function ledgerLog(cwd, ref, limit) {
  if (await revParse(cwd, ref) === null) return [];
  const out = await gitOk(["log", `--max-count=${Math.max(1, Math.floor(limit))}`, "--format=%H%x1f%cI%x1f%B%x1e", ref, "--"], {
    cwd
  });
  return out.split("").map((rec) => rec.replace(/^\n/, "")).filter((rec) => rec.trim() !== "").map((rec) => {
    const [sha = "", date = "", body = ""] = rec.split("");
    const message = body.split("\n").filter((line) => !/^Pucs-Nonce: /.test(line)).join("\n").trim();
    return { sha, date, message };
  });
}
async function listFiles(cwd) {
  const out = await gitOk(["-c", "core.quotePath=false", "ls-files", "-z", "--full-name"], { cwd });
  return out.split("\0").filter((f) => f !== "");
}
async function mainWorktreeRoot(cwd) {
  const out = await gitOk(["worktree", "list", "--porcelain"], { cwd });
  const first = out.split("\n").find((l) => l.startsWith("worktree "));
  if (first) return first.slice("worktree ".length);
  return repoRoot(cwd);
}
async function showFiles(cwd, rev, paths) {
  const out = /* @__PURE__ */ new Map();
  for (const p of paths) {
    const res = await git(["cat-file", "blob", `${rev}:${p}`], { cwd });
    if (res.code === 0) out.set(p, res.stdout);
  }
  return out;
}
async function hasCommit(cwd, rev) {
  return (await git(["cat-file", "-e", `${rev}^{commit}`], { cwd })).code === 0;
}
async function workTreeClean(cwd) {
  return (await gitOk(["status", "--porcelain", "--untracked-files=normal"], { cwd })).trim() === "";
}
async function mergeTreeConflicts(cwd, ours, theirs) {
  const res = await git(["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs], { cwd });
  if (res.code !== 0 && res.code !== 1) return null;
  const lines = res.stdout.split("\n").filter((l) => l !== "");
  if (!/^[0-9a-f]{40,64}$/.test(lines[0] ?? "")) return null;
  return res.code === 0 ? [] : [...new Set(lines.slice(1))];
}

export {
  GitError,
  git,
  gitError,
  gitOk,
  repoRoot,
  commonDir,
  currentBranch,
  revParse,
  mergeBase,
  defaultBaseRef,
  diffAgainst,
  untrackedDiff,
  untrackedDiffOf,
  remoteHasRef,
  configAndRemotes,
  configSet,
  commitMessages,
  worktreeAdd,
  ledgerLog,
  listFiles,
  mainWorktreeRoot,
  showFiles,
  hasCommit,
  workTreeClean,
  mergeTreeConflicts
};
