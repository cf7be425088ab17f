import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  configAndRemotes,
  configSet,
  hasCommit,
  mergeTreeConflicts,
  remoteHasRef,
  revParse,
  showFiles,
  workTreeClean
} from "./chunk-4Z3O2TMB.js";
import {
  changeAtHead,
  compareConflicts,
  definitionsOf,
  evaluate,
  parseUnifiedDiff,
  partitionedFiles,
  verdictOf
} from "./chunk-4RAJHGMS.js";

// src/config-file.ts
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
var CONFIG_PATHS = ["config/pucs_streams.yaml", ".github/pucs.yml"];
function displayPath(root, abs) {
  const rel = relative(root, abs);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return abs;
  return rel.split(sep).join("/");
}
async function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
function issue(file, message) {
  return { file, line: 0, col: 0, message, severity: "error" };
}
async function locateConfigFile(repoRoot, override) {
  const root = resolve(repoRoot);
  let abs;
  if (override !== void 0) {
    abs = resolve(override);
    const shown = displayPath(root, abs);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return { ok: false, path: shown, issues: [issue(shown, `config file not found (given with --config): ${abs}`)] };
    }
    if (!st.isFile()) {
      return { ok: false, path: shown, issues: [issue(shown, `not a file (given with --config): ${abs}`)] };
    }
  } else {
    let found = null;
    for (const candidate of CONFIG_PATHS) {
      const p = resolve(root, candidate);
      if (await isFile(p)) {
        found = p;
        break;
      }
    }
    if (found === null) {
      return {
        ok: false,
        path: null,
        issues: [
          issue(
            CONFIG_PATHS[0],
            `no PUCS config found: tried ${CONFIG_PATHS.join(" and ")} in ${root}; create one with \`pucs init --write-config\` (or pass --config <file>)`
          )
        ]
      };
    }
    abs = found;
  }
  return { ok: true, abs, shown: displayPath(root, abs) };
}
async function loadConfigFile(repoRoot, override) {
  const at = await locateConfigFile(repoRoot, override);
  if (!at.ok) return at;
  const { abs, shown } = at;
  let text;
  try {
    text = readFileSync(abs, "utf8");
  } catch (e) {
    const code = e.code;
    return { ok: false, path: shown, issues: [issue(shown, `cannot read the config file${code ? ` (${code})` : ""}: ${abs}`)] };
  }
  const { parseConfig } = await import("./config-2JAHUHQB.js");
  const result = parseConfig(text, shown);
  if (!result.ok) return { ok: false, path: shown, issues: result.issues };
  return { ok: true, path: shown, config: result.config, warnings: result.warnings };
}

// src/cli/args.ts
import { parseArgs } from "node:util";
var UsageError = class extends Error {
  constructor(message, usage) {
    super(message);
    this.usage = usage;
    this.name = "UsageError";
  }
  usage;
};
var COMMON = {
  json: { type: "boolean" },
  config: { type: "string" },
  remote: { type: "string" },
  local: { type: "boolean" },
  help: { type: "boolean", short: "h" }
};
function parseCommand(spec, argv) {
  let parsed;
  try {
    const r = parseArgs({ args: argv, options: { ...COMMON, ...spec.options }, allowPositionals: true, strict: true });
    parsed = { values: r.values, positionals: r.positionals };
  } catch (err) {
    const msg = err.message.replace(/\. To specify a positional argument.*$/s, "").replace(/^Option '(.*?)' argument missing$/, "option $1 needs a value");
    throw new UsageError(`pucs ${spec.name}: ${msg}`, spec.usage);
  }
  if (parsed.values.help) return parsed;
  const [min, max] = typeof spec.positionals === "number" ? [spec.positionals, spec.positionals] : spec.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`pucs ${spec.name}: missing argument`, spec.usage);
  if (parsed.positionals.length > max) {
    throw new UsageError(`pucs ${spec.name}: unexpected argument ${JSON.stringify(parsed.positionals[max])}`, spec.usage);
  }
  return parsed;
}
function str(p, name) {
  const v = p.values[name];
  return typeof v === "string" ? v : void 0;
}
function required(p, name, spec, fallback) {
  const v = str(p, name) ?? fallback;
  if (v === void 0 || v.trim() === "") {
    throw new UsageError(`pucs ${spec.name}: --${name} is required${name === "agent" ? " (or set PUCS_AGENT)" : ""}`, spec.usage);
  }
  return v;
}
function flag(p, name) {
  return p.values[name] === true;
}

// src/engine/report.ts
var REPORT_MARKER = "<!-- pucs:report -->";
var REPORT_SCHEMA = "pucs.report/v1";
var MAX_BODY = 6e4;
var MAX_TABLE_ROWS = 50;
var MAX_JSON_CONFLICTS = 100;
function countByType(conflicts) {
  const counts = {};
  for (const c of conflicts) counts[c.type] = (counts[c.type] ?? 0) + 1;
  return counts;
}
function reportJson(ev, maxConflicts = Number.POSITIVE_INFINITY) {
  const shown = ev.conflicts.slice(0, maxConflicts);
  return {
    schema: REPORT_SCHEMA,
    change: ev.change,
    stream: ev.stream,
    streamSource: ev.streamSource,
    verdict: ev.verdict,
    counts: countByType(ev.conflicts),
    conflicts: shown,
    omitted: ev.conflicts.length - shown.length,
    suggestions: ev.suggestions
  };
}
var TYPE_LABEL = {
  LOCKED: "locked",
  CAPACITY: "at capacity",
  INTENT_OVERLAP: "overlap",
  DEPENDENCY: "dependency",
  CRITICAL: "critical"
};
function checkTitle(ev) {
  const counts = countByType(ev.conflicts);
  const parts = Object.keys(TYPE_LABEL).filter((t) => counts[t]).map((t) => `${counts[t]} ${TYPE_LABEL[t]}`);
  switch (ev.verdict) {
    case "clear":
      return "No conflicts";
    case "safe-overlap":
      return `Safe to merge in parallel: ${parts.join(", ")}`;
    case "needs-decision":
      return `Needs a decision: ${parts.join(", ")}`;
    case "blocked":
      return `Blocked: ${parts.join(", ")}`;
  }
}
function cell(s) {
  return s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}
function other(c) {
  if (c.holderChange) return c.holderChange === c.holder ? c.holder : `${c.holderChange} (@${c.holder})`;
  return c.holder;
}
var ICON = { QUEUE: "⏳", PARTITION: "✂️", MERGE: "✅", ARBITRATE: "⚖️", ROLLBACK: "↩️" };
function renderMarkdown(ev, opts = {}) {
  const marker = opts.marker ?? REPORT_MARKER;
  const lines = [];
  if (marker) lines.push(marker);
  lines.push(`### ${opts.heading ?? "PUCS"}: ${checkTitle(ev)}`, "");
  const streamLine = ev.stream ? `**Stream:** ${ev.stream} (from ${ev.streamSource})` : "**Stream:** none (no label, commit prefix, branch or owned file names one)";
  lines.push(`${streamLine} · **Files:** ${ev.files.length} · **Verdict:** ${ev.verdict}`, "");
  const steps = new Set(ev.conflicts.map((c) => c.nextStep));
  const notes = ev.suggestions.filter((s) => !steps.has(s));
  if (notes.length > 0) lines.push(...notes.map((n) => `> ${n.startsWith("ROLLBACK") ? "↩️" : "ℹ️"} ${n.replace(/\r?\n/g, " ")}`), "");
  if (ev.conflicts.length === 0) {
    lines.push("No one else holds a lock, an intent or open changes on these files. ✅");
  } else {
    lines.push("| Type | File | Other side | Stream | Strategy | Next step |", "|---|---|---|---|---|---|");
    for (const c of ev.conflicts.slice(0, MAX_TABLE_ROWS)) {
      const lines_ = c.lines ? ` (${c.lines.overlapping.map(rangeText).join(", ")})` : "";
      lines.push(
        `| ${c.type} | ${c.file ? `\`${cell(c.file)}\`${lines_}` : "—"} | ${cell(other(c))} | ${c.holderStream ?? "—"} | ${ICON[c.strategy]} ${c.strategy} | ${cell(c.details)} ${cell(c.decided ? `✔️ decided by @${c.decided.by}: ${c.decided.note}` : c.nextStep)} |`
      );
    }
    if (ev.conflicts.length > MAX_TABLE_ROWS) {
      lines.push("", `…and ${ev.conflicts.length - MAX_TABLE_ROWS} more (all in the JSON below, up to ${MAX_JSON_CONFLICTS}).`);
    }
  }
  const head = lines.join("\n");
  let json = JSON.stringify(reportJson(ev, MAX_JSON_CONFLICTS), null, 2);
  for (let n = MAX_JSON_CONFLICTS; head.length + json.length > MAX_BODY && n > 0; n = Math.floor(n / 2)) {
    json = JSON.stringify(reportJson(ev, Math.floor(n / 2)), null, 2);
  }
  return `${head}

<details><summary>Machine-readable report (${REPORT_SCHEMA})</summary>

\`\`\`json
${json}
\`\`\`

</details>
`;
}
function rangeText(r) {
  return r.end < r.start ? `before L${r.start}` : r.start === r.end ? `L${r.start}` : `L${r.start}-${r.end}`;
}
function renderText(ev) {
  const out = [];
  out.push(`Change: ${ev.change}   Stream: ${ev.stream ?? "none"}${ev.stream ? ` (from ${ev.streamSource})` : ""}   Files: ${ev.files.length}`);
  if (ev.conflicts.length === 0) {
    out.push("No conflicts: nobody else holds a lock, an intent or open changes on these files.");
    return out.join("\n") + "\n";
  }
  out.push(`${ev.verdict === "safe-overlap" ? "OVERLAPS (safe in parallel)" : "CONFLICTS DETECTED"} (${ev.conflicts.length}): ${checkTitle(ev)}`);
  for (const c of ev.conflicts) {
    out.push(`  - ${c.type}: ${c.file || "(whole change)"}   [${c.strategy}]`);
    out.push(`    Holder: ${other(c)}${c.holderStream ? ` (${c.holderStream})` : ""}`);
    out.push(`    Details: ${c.details}`);
    if (c.decided) out.push(`    Decided by ${c.decided.by} at ${c.decided.at}: ${c.decided.note}`);
    if (c.lines) {
      out.push(`    Lines: ${c.lines.overlapping.map(rangeText).join(", ")}; this side: ${c.lines.mine.join(", ") || "-"}; other side: ${c.lines.theirs.join(", ") || "-"}`);
    }
  }
  out.push("", "Suggestions:");
  for (const s of ev.suggestions) out.push(`  - ${s}`);
  return out.join("\n") + "\n";
}

// src/engine/merge-check.ts
var isIntent = (c) => c.details.includes(" intends to work on ");
function confirmWithGit(ev, answers) {
  if (answers.length === 0) return ev;
  const byChange = new Map(answers.map((a) => [a.change, a]));
  const conflicts = ev.conflicts.map((c) => {
    if (c.type !== "INTENT_OVERLAP" || !c.holderChange || isIntent(c)) return c;
    const a = byChange.get(c.holderChange);
    if (!a) return c;
    const sha = a.headSha.slice(0, 7);
    const conflicted = a.conflicted.has(c.file);
    if (conflicted && c.strategy !== "PARTITION") {
      const { lines: _lines, ...rest } = c;
      return {
        ...rest,
        strategy: "PARTITION",
        details: `${c.details} But git's own merge of this branch with ${c.holderChange} (${sha}) conflicts in ${c.file} (git merge-tree).`,
        nextStep: `Partition ${c.file} with ${c.holderChange}: git's merge of the two heads conflicts there; move the overlapping edit to one side, or queue behind ${c.holderChange}.`
      };
    }
    if (!conflicted && c.strategy === "PARTITION") {
      const { lines: _lines, ...rest } = c;
      return {
        ...rest,
        strategy: "MERGE",
        details: `${c.details} git's own merge of this branch with ${c.holderChange} (${sha}) merges ${c.file} cleanly (git merge-tree), so the overlap needs no decision.`,
        nextStep: `Safe in parallel: git merges this branch and ${c.holderChange} cleanly in ${c.file} (checked with git merge-tree at ${sha}).`
      };
    }
    return { ...c, details: `${c.details} Confirmed by git merge-tree with ${c.holderChange} (${sha}).` };
  });
  conflicts.sort(compareConflicts);
  return { ...ev, conflicts, verdict: verdictOf(conflicts), suggestions: [...new Set(conflicts.map((c) => c.nextStep))].slice(0, 10) };
}

// src/symbols/loader.ts
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
var runtime = null;
var languages = /* @__PURE__ */ new Map();
var loaded = /* @__PURE__ */ new Map();
function resolveDir(pkg) {
  try {
    return dirname(createRequire(import.meta.url).resolve(pkg));
  } catch {
    return null;
  }
}
async function loadRuntime() {
  try {
    const dir = resolveDir("web-tree-sitter");
    if (!dir) return null;
    const ts = await import("./web-tree-sitter-MKDH6W4J.js");
    await ts.Parser.init({ locateFile: (name) => join(dir, name) });
    return ts;
  } catch {
    return null;
  }
}
async function loadLanguages(langs) {
  runtime ??= loadRuntime();
  const ts = await runtime;
  const pending = [];
  for (const lang of langs) {
    if (loaded.has(lang)) continue;
    let p = languages.get(lang);
    if (!p) {
      p = (async () => {
        const wasmDir = resolveDir("@vscode/tree-sitter-wasm");
        if (!ts || !wasmDir) {
          loaded.set(lang, null);
          return;
        }
        try {
          const language = await ts.Language.load(join(wasmDir, `tree-sitter-${lang}.wasm`));
          const parser = new ts.Parser();
          parser.setLanguage(language);
          loaded.set(lang, { parse: (text) => parser.parse(text)?.rootNode ?? null });
        } catch {
          loaded.set(lang, null);
        }
      })();
      languages.set(lang, p);
    }
    pending.push(p);
  }
  await Promise.all(pending);
}
var parseLoaded = (lang, text) => loaded.get(lang)?.parse(text) ?? null;

// src/cli/check-refine.ts
var MAX_MERGE_CHECKS = 10;
async function checkEvaluation(root, change, ledger, config, now, opts, mergeBase) {
  let ev = evaluate(change, ledger, config, now, opts);
  const files = partitionedFiles(ev);
  if (files.length > 0) {
    const [texts] = await Promise.all([showFiles(root, mergeBase, files.map((f) => f.path)), loadLanguages(new Set(files.map((f) => f.lang)))]);
    const symbols = /* @__PURE__ */ new Map();
    for (const f of files) {
      const text = texts.get(f.path);
      const tree = text === void 0 ? null : parseLoaded(f.lang, text);
      if (tree) symbols.set(f.path, definitionsOf(tree, f.lang));
    }
    if (symbols.size > 0) ev = evaluate(change, ledger, config, now, { ...opts, symbols });
  }
  const holders = [...new Set(ev.conflicts.filter((c) => c.type === "INTENT_OVERLAP" && c.holderChange).map((c) => c.holderChange))];
  const footprints = ledger.footprints.filter((f) => holders.includes(f.change) && f.change !== change.id).slice(0, MAX_MERGE_CHECKS);
  if (footprints.length === 0 || !await workTreeClean(root)) return ev;
  const head = await revParse(root, "HEAD");
  if (head === null) return ev;
  const answers = [];
  for (const fp of footprints) {
    if (!/^[0-9a-f]{40,64}$/.test(fp.headSha) || !await hasCommit(root, fp.headSha)) continue;
    const conflicted = await mergeTreeConflicts(root, head, fp.headSha);
    if (conflicted !== null) answers.push({ change: fp.change, headSha: fp.headSha, conflicted: new Set(conflicted) });
  }
  return confirmWithGit(ev, answers);
}

// src/cli/check.ts
var CHECK_SPEC = {
  name: "check",
  usage: "pucs check [--base REF] [--agent A] [--stream S] [--record] [--format text|markdown] [--json]",
  summary: "Check this branch's changes (vs. its merge base) against the ledger: the report the GitHub App posts",
  options: { base: { type: "string" }, agent: { type: "string" }, stream: { type: "string" }, record: { type: "boolean" }, format: { type: "string" } },
  positionals: 0
};
function checkChange(g, agent, warn) {
  const parsed = parseUnifiedDiff(g.diff + g.untracked.diff);
  for (const path of g.untracked.whole) parsed.files.push({ path, status: "added", hunks: null });
  for (const e of parsed.errors) warn(`warning: git diff: ${e}
`);
  return {
    id: g.branch ? `branch:${g.branch}` : "HEAD",
    agent,
    ...g.branch ? { branch: g.branch } : {},
    commitMessages: g.commitMessages,
    files: parsed.files
  };
}
function judgeAsOpenPr(change, ledger, headSha, agentNamed) {
  const pr = changeAtHead(ledger.footprints, headSha);
  if (pr) {
    change.id = pr.change;
    if (!agentNamed) change.agent = pr.agent;
  }
  return pr;
}
async function printCheck(io, root, change, ledger, config, now, stream, g) {
  const ev = await checkEvaluation(root, change, ledger, config, now, stream ? { stream } : {}, g.mergeBase);
  const ok = ev.verdict === "clear" || ev.verdict === "safe-overlap";
  if (io.json) io.out(JSON.stringify({ ok, command: "check", base: g.base, mergeBase: g.mergeBase, files: ev.files, report: reportJson(ev) }, null, 2) + "\n");
  else io.out(io.format === "markdown" ? renderMarkdown(ev) : renderText(ev));
  return ok ? 0 : 1;
}

// src/cli/ledger-choice.ts
var LEDGER_REF = "refs/pucs/ledger";
var CACHE_KEY = "pucs.ledger";
var RECHECK_MS = 60 * 6e4;
var LedgerChoiceError = class extends Error {
};
function quickLedgerChoice(known, opts) {
  if (opts.remote) return { kind: "remote", remote: opts.remote, why: "--remote / PUCS_REMOTE" };
  if (opts.local) return { kind: "local", why: "--local" };
  const cached = opts.recheck ? null : known.value;
  if (cached?.startsWith("remote:")) return { kind: "remote", remote: cached.slice("remote:".length), why: `git config ${CACHE_KEY}` };
  const checkedAt = cached?.startsWith("local@") ? Number(cached.slice("local@".length)) : NaN;
  if (Number.isFinite(checkedAt) && opts.now - checkedAt < RECHECK_MS && !opts.write) return { kind: "local", why: `git config ${CACHE_KEY}` };
  const names = known.remotes;
  const remote = names.includes("origin") ? "origin" : names.length === 1 ? names[0] : null;
  if (remote === null) return { kind: "local", why: names.length === 0 ? "no remote" : "several remotes and none is origin: pass --remote NAME to use one's ledger" };
  return { kind: "ask", remote };
}
async function chooseLedger(root, opts) {
  if (opts.local && opts.remote) throw new LedgerChoiceError("--local and --remote contradict each other: choose one ledger");
  const known = opts.remote || opts.local ? { value: null, remotes: [] } : await configAndRemotes(root, CACHE_KEY);
  const quick = quickLedgerChoice(known, opts);
  if (quick.kind !== "ask") return quick;
  const remote = quick.remote;
  const has = await remoteHasRef(root, remote, LEDGER_REF);
  if (has === null) return { kind: "local", why: `${remote} could not be asked whether it has a ledger (offline?)` };
  if (!has) {
    await configSet(root, CACHE_KEY, `local@${opts.now}`);
    return { kind: "local", why: `${remote} has no ${LEDGER_REF}` };
  }
  const [{ GitRefStore }, { liveIntents, liveLocks }] = await Promise.all([import("./ledger-store-A2Z5E7RD.js"), import("./transitions-HDHTZLAO.js")]);
  const local = await new GitRefStore({ cwd: root }).read();
  const live = liveLocks(local.ledger, opts.now).length + liveIntents(local.ledger, opts.now).length;
  if (local.version !== null && live > 0) {
    throw new LedgerChoiceError(
      [
        `Two ledgers: ${remote} has ${LEDGER_REF} (the GitHub App's), and this clone's own ${LEDGER_REF} holds ${live} live lock(s)/intent(s).`,
        `Claims in two ledgers do not see each other, so PUCS will not pick one for you. Either:`,
        `  - use the shared one: pass --remote ${remote} (or run \`git config ${CACHE_KEY} remote:${remote}\`), and take your claims again there;`,
        `  - or keep working locally on purpose: pass --local.`
      ].join("\n")
    );
  }
  await configSet(root, CACHE_KEY, `remote:${remote}`);
  return { kind: "remote", remote, why: `${remote} has ${LEDGER_REF}` };
}

export {
  locateConfigFile,
  loadConfigFile,
  UsageError,
  COMMON,
  parseCommand,
  str,
  required,
  flag,
  CHECK_SPEC,
  checkChange,
  judgeAsOpenPr,
  printCheck,
  LedgerChoiceError,
  quickLedgerChoice,
  chooseLedger
};
