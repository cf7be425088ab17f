import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  CHECK_SPEC,
  checkChange,
  flag,
  judgeAsOpenPr,
  locateConfigFile,
  parseCommand,
  printCheck,
  quickLedgerChoice,
  str
} from "./chunk-EFBU4Q6R.js";
import {
  commitMessages,
  configAndRemotes,
  git,
  untrackedDiffOf
} from "./chunk-4Z3O2TMB.js";
import "./chunk-4RAJHGMS.js";
import "./chunk-PFKP6KD3.js";
import "./chunk-NZU5CSYO.js";

// src/cli/check-fast.ts
import { readFileSync as readFileSync2 } from "node:fs";
import { resolve } from "node:path";

// src/cli/check-cache.ts
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
var CACHE_DIR = "pucs-cache";
var KEEP = 4;
var build;
function buildStamp() {
  if (build === void 0) {
    try {
      const st = statSync(fileURLToPath(import.meta.url));
      build = `${st.size}:${st.mtimeMs}`;
    } catch {
      build = null;
    }
  }
  return build;
}
function shortHash(s) {
  let a = 2166136261;
  let b = 16777619 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 16777619);
    b = Math.imul(b ^ c, 1540483477) ^ b >>> 13;
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
function fileOf(commonDir, kind, key, stamp) {
  return join(commonDir, CACHE_DIR, `${kind}-${shortHash(`${stamp}\0${key}`)}.json`);
}
function cacheGet(commonDir, kind, key) {
  const stamp = buildStamp();
  if (stamp === null) return void 0;
  try {
    const doc = JSON.parse(readFileSync(fileOf(commonDir, kind, key, stamp), "utf8"));
    return doc.stamp === stamp && doc.key === key ? doc.value : void 0;
  } catch {
    return void 0;
  }
}
function cachePut(commonDir, kind, key, value) {
  const stamp = buildStamp();
  if (stamp === null) return;
  try {
    const dir = join(commonDir, CACHE_DIR);
    mkdirSync(dir, { recursive: true });
    const file = fileOf(commonDir, kind, key, stamp);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ stamp, key, value }));
    renameSync(tmp, file);
    const mine = readdirSync(dir).filter((f) => f.startsWith(`${kind}-`) && f.endsWith(".json")).map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const old of mine.slice(KEEP)) unlinkSync(join(dir, old.f));
  } catch {
  }
}

// src/cli/check-fast.ts
var Defer = class extends Error {
};
var defer = (why) => {
  throw new Defer(why);
};
var lines = (s) => s.replace(/\n$/, "").split("\n");
async function gitOut(args, cwd) {
  const r = await git(args, { cwd });
  if (r.code !== 0) defer(`git ${args[0]} exited ${r.code}`);
  return r.stdout;
}
var BASE_REFS = [
  ["origin/main", "refs/remotes/origin/main"],
  ["main", "refs/heads/main"],
  ["master", "refs/heads/master"]
];
var ORIGIN_HEAD = "refs/remotes/origin/HEAD";
var exactly = (ref) => `--glob=${ref.slice(0, -1)}[${ref.slice(-1)}]`;
var SEP = "--is-bare-repository";
function revParseArgs(base) {
  return [
    "rev-parse",
    "--show-toplevel",
    "--path-format=absolute",
    "--git-common-dir",
    "HEAD",
    ...base !== void 0 ? [`${base}...HEAD`] : [],
    SEP,
    exactly("refs/pucs/ledger"),
    SEP,
    "--symbolic-full-name",
    exactly(ORIGIN_HEAD),
    SEP,
    ...BASE_REFS.flatMap(([, full]) => [exactly(full), SEP]),
    "--abbrev-ref=loose",
    "HEAD"
  ];
}
var SHA = /^[0-9a-f]{40,64}$/;
function repoFacts(text, withBase) {
  const out = lines(text);
  const [root, commonDir, headSha] = out;
  const groups = [[]];
  for (const line of out.slice(3, -1)) {
    if (line === "false") groups.push([]);
    else groups[groups.length - 1].push(line);
  }
  const branchLine = out[out.length - 1];
  if (!root || !commonDir || !headSha || groups.length !== 7 || groups[6].length !== 0 || !branchLine) return defer("unexpected rev-parse output");
  const [range, ledger, originHead, ...candidates] = groups;
  let mergeBase = null;
  if (withBase) {
    const mb = range[2]?.slice(1);
    if (range.length !== 3 || !range.slice(0, 2).includes(headSha) || !range[2].startsWith("^") || !mb || !SHA.test(mb)) return defer("not exactly one merge base");
    mergeBase = mb;
  }
  const target = originHead[0];
  let defaultBase = null;
  if (target && target !== ORIGIN_HEAD && target.startsWith("refs/remotes/")) defaultBase = target.slice("refs/remotes/".length);
  else defaultBase = BASE_REFS.find((_, i) => candidates[i].length > 0)?.[0] ?? null;
  return { root, commonDir, headSha, mergeBase, ledgerSha: ledger[0] ?? null, defaultBase, branch: branchLine === "HEAD" ? null : branchLine };
}
async function ledgerAt(root, commonDir, sha) {
  const key = sha ?? "none";
  const hit = cacheGet(commonDir, "ledger", key);
  if (hit) return hit;
  const { GitRefStore } = await import("./ledger-store-A2Z5E7RD.js");
  const snap = await new GitRefStore({ cwd: root }).read();
  if (snap.version !== sha) defer("the ledger moved while it was read");
  cachePut(commonDir, "ledger", key, snap.ledger);
  return snap.ledger;
}
async function configOf(root, commonDir, override) {
  const at = await locateConfigFile(root, override);
  if (!at.ok) return defer("no config");
  let text;
  try {
    text = readFileSync2(at.abs, "utf8");
  } catch {
    return defer("config unreadable");
  }
  const key = `${at.shown}\0${text}`;
  const hit = cacheGet(commonDir, "config", key);
  if (hit) return hit;
  const { parseConfig, formatIssue } = await import("./config-2JAHUHQB.js");
  const r = parseConfig(text, at.shown);
  if (!r.ok) return defer("invalid config");
  const value = { config: r.config, warnings: r.warnings.map((w) => formatIssue(w) + "\n") };
  cachePut(commonDir, "config", key, value);
  return value;
}
async function fastCheck(argv, ctx) {
  let p;
  try {
    p = parseCommand(CHECK_SPEC, argv);
  } catch {
    return null;
  }
  if (flag(p, "help") || flag(p, "record") || str(p, "remote") !== void 0 || ctx.env.PUCS_REMOTE) return null;
  const format = str(p, "format") ?? "text";
  if (format !== "text" && format !== "markdown") return null;
  if (globalThis[/* @__PURE__ */ Symbol.for("opentelemetry.js.api.1")] !== void 0) {
    const { trace } = await import("./esm-3G3JOTEL.js");
    if (trace.getTracer("pucs").startSpan("pucs.probe").isRecording()) return null;
  }
  const out = [];
  const err = [];
  try {
    const code = await run(p, format, ctx, (s) => void out.push(s), (s) => void err.push(s));
    for (const s of err) ctx.err(s);
    for (const s of out) ctx.out(s);
    return code;
  } catch (e) {
    if (e instanceof Defer) return null;
    return null;
  }
}
function diffArgs(base) {
  return [
    "-c",
    "core.quotePath=false",
    "-c",
    "diff.noprefix=false",
    "-c",
    "diff.mnemonicPrefix=false",
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "-M",
    "-U3",
    "--diff-algorithm=histogram",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    // = `git diff $(git merge-base base HEAD)` (and an error when there are several merge bases: then the full command runs).
    "--merge-base",
    base,
    "--"
  ];
}
var UNTRACKED = ["-c", "core.quotePath=false", "ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", ":/"];
async function run(p, format, ctx, out, err) {
  const cwd = ctx.cwd;
  const givenBase = str(p, "base");
  const local = flag(p, "local");
  const now = ctx.now();
  const [head, known, givenDiff, untrackedList] = await Promise.all([
    gitOut(revParseArgs(givenBase), cwd),
    local ? null : configAndRemotes(cwd, "pucs.ledger"),
    givenBase !== void 0 ? gitOut(diffArgs(givenBase), cwd) : null,
    gitOut(UNTRACKED, cwd)
  ]);
  const choice = quickLedgerChoice(known ?? { value: null, remotes: [] }, { local, recheck: false, now, write: false });
  if (choice.kind !== "local") defer("not the local ledger, or the remote must be asked");
  const facts = repoFacts(head, givenBase !== void 0);
  const { root, commonDir, headSha, ledgerSha, defaultBase, branch } = facts;
  const base = givenBase ?? defaultBase ?? defer("no base branch");
  const override = str(p, "config");
  const [[mergeBaseText, diff], ledger, cfg] = await Promise.all([
    givenBase !== void 0 ? [facts.mergeBase, givenDiff] : Promise.all([gitOut(["merge-base", base, "HEAD"], cwd), gitOut(diffArgs(base), cwd)]),
    ledgerAt(root, commonDir, ledgerSha),
    configOf(root, commonDir, override === void 0 ? void 0 : resolve(cwd, override))
  ]);
  const mergeBase = lines(mergeBaseText)[0] || defer("no merge base");
  const untrackedFiles = untrackedList.split("\0").filter((f) => f !== "");
  const [commitMessages2, untracked] = await Promise.all([
    // mergeBase..HEAD is empty when HEAD is the merge base: no process for it.
    mergeBase === headSha ? [] : commitMessages(root, `${mergeBase}..HEAD`),
    untrackedFiles.length === 0 ? { diff: "", whole: [] } : untrackedDiffOf(root, untrackedFiles)
  ]);
  const g = { base, mergeBase, headSha, branch, diff, untracked, commitMessages: commitMessages2 };
  for (const w of cfg.warnings) err(w);
  const agentNamed = str(p, "agent") !== void 0 || ctx.env.PUCS_AGENT !== void 0;
  const change = checkChange(g, str(p, "agent") ?? ctx.env.PUCS_AGENT ?? "local", err);
  const declared = str(p, "stream");
  const stream = !declared ? void 0 : (cfg.config.streams.find((s) => s.id === declared) ?? cfg.config.streams.find((s) => s.id.toLowerCase() === declared.toLowerCase()) ?? defer("unknown stream")).id;
  judgeAsOpenPr(change, ledger, headSha, agentNamed);
  return printCheck({ json: flag(p, "json"), format, out }, root, change, ledger, cfg.config, now, stream, g);
}
export {
  fastCheck
};
