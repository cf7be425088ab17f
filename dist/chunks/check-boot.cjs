var __pucsMetaUrl = require('node:url').pathToFileURL(__filename).href;
"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/cli/fast-load.ts
var fast_load_exports = {};
__export(fast_load_exports, {
  cacheFileOf: () => cacheFileOf,
  guessCommonDir: () => guessCommonDir,
  loadBundle: () => loadBundle,
  readCodeCache: () => readCodeCache,
  writeCodeCache: () => writeCodeCache
});
function nameHash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
}
function header(text, data) {
  return { node: process.version, v8: process.versions.v8, arch: process.arch, text, data: data.length, crc: (0, import_node_zlib.crc32)(data) };
}
function cacheFileOf(cacheDir, file) {
  return (0, import_node_path.join)(cacheDir, `code-${nameHash(`${file}\0${process.version}\0${process.arch}`)}.bin`);
}
function readCodeCache(path, parts) {
  let buf;
  try {
    buf = (0, import_node_fs.readFileSync)(path);
  } catch {
    return void 0;
  }
  const nl1 = buf.indexOf(10);
  const nl2 = nl1 === -1 ? -1 : buf.indexOf(10, nl1 + 1);
  if (nl2 === -1 || buf.toString("latin1", 0, nl1) !== MAGIC) return void 0;
  let h;
  try {
    h = JSON.parse(buf.toString("utf8", nl1 + 1, nl2));
  } catch {
    return void 0;
  }
  const text = parts.reduce((n, p) => n + p.length, 0);
  if (h.node !== process.version || h.v8 !== process.versions.v8 || h.arch !== process.arch || h.text !== text || typeof h.data !== "number") return void 0;
  let at = nl2 + 1;
  if (buf.length !== at + h.text + h.data) return void 0;
  for (const p of parts) {
    if (!buf.subarray(at, at + p.length).equals(p)) return void 0;
    at += p.length;
  }
  const data = buf.subarray(at);
  return (0, import_node_zlib.crc32)(data) === h.crc ? data : void 0;
}
function writeCodeCache(path, parts, data) {
  try {
    const dir = (0, import_node_path.dirname)(path);
    (0, import_node_fs.mkdirSync)(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const text = parts.reduce((n, p) => n + p.length, 0);
    (0, import_node_fs.writeFileSync)(tmp, Buffer.concat([Buffer.from(`${MAGIC}
${JSON.stringify(header(text, data))}
`, "utf8"), ...parts, data]));
    (0, import_node_fs.renameSync)(tmp, path);
    const mine = (0, import_node_fs.readdirSync)(dir).filter((f) => f.startsWith("code-") && f.endsWith(".bin")).map((f) => ({ f, t: (0, import_node_fs.statSync)((0, import_node_path.join)(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const old of mine.slice(KEEP)) (0, import_node_fs.unlinkSync)((0, import_node_path.join)(dir, old.f));
  } catch {
  }
}
function commonDirOf(gitdir) {
  const file = (0, import_node_path.join)(gitdir, "commondir");
  return (0, import_node_fs.statSync)(file, { throwIfNoEntry: false })?.isFile() ? (0, import_node_path.resolve)(gitdir, (0, import_node_fs.readFileSync)(file, "utf8").trim()) : gitdir;
}
function guessCommonDir(cwd, env) {
  if (env.GIT_DIR || env.GIT_COMMON_DIR || env.GIT_WORK_TREE) return null;
  try {
    for (let dir = cwd; ; ) {
      const dotGit = (0, import_node_path.join)(dir, ".git");
      const st = (0, import_node_fs.statSync)(dotGit, { throwIfNoEntry: false });
      if (st?.isDirectory()) return commonDirOf(dotGit);
      if (st?.isFile()) {
        const m = /^gitdir: (.+)$/m.exec((0, import_node_fs.readFileSync)(dotGit, "utf8"));
        return m ? commonDirOf((0, import_node_path.resolve)(dir, m[1].trim())) : null;
      }
      const up = (0, import_node_path.dirname)(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}
function loadBundle(file, cacheDir, importer) {
  const raw = (0, import_node_fs.readFileSync)(file);
  const code = HEAD + raw.toString((0, import_node_buffer.isAscii)(raw) ? "latin1" : "utf8") + TAIL;
  const cachePath = cacheDir === null ? null : cacheFileOf(cacheDir, file);
  const parts = [Buffer.from(HEAD, "latin1"), raw, Buffer.from(TAIL, "latin1")];
  const cachedData = cachePath === null ? void 0 : readCodeCache(cachePath, parts);
  const script = new import_node_vm.Script(code, { filename: file, ...cachedData ? { cachedData } : {} });
  const state = cachePath === null ? "none" : !cachedData ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  const module2 = { exports: {} };
  script.runInThisContext()(module2.exports, (0, import_node_module.createRequire)(file), module2, file, (0, import_node_path.dirname)(file), importer);
  return {
    exports: module2.exports,
    state,
    save(at) {
      if (cachePath === null || state === "hit" || at !== cacheDir) return;
      try {
        writeCodeCache(cachePath, parts, script.createCachedData());
      } catch {
      }
    }
  };
}
var import_node_buffer, import_node_fs, import_node_module, import_node_path, import_node_vm, import_node_zlib, MAGIC, KEEP, HEAD, TAIL;
var init_fast_load = __esm({
  "src/cli/fast-load.ts"() {
    "use strict";
    import_node_buffer = require("node:buffer");
    import_node_fs = require("node:fs");
    import_node_module = require("node:module");
    import_node_path = require("node:path");
    import_node_vm = require("node:vm");
    import_node_zlib = require("node:zlib");
    MAGIC = "pucs-code-cache 1";
    KEEP = 3;
    HEAD = "(function (exports, require, module, __filename, __dirname, __pucsImport) {";
    TAIL = "\n})";
  }
});

// src/cli/check-boot.ts
var check_boot_exports = {};
__export(check_boot_exports, {
  FAST_PATH_FILE: () => FAST_PATH_FILE,
  bootCheck: () => bootCheck
});
module.exports = __toCommonJS(check_boot_exports);
var import_node_path2 = require("node:path");

// src/cli/check-cache.ts
var CACHE_DIR = "pucs-cache";

// src/cli/args.ts
var import_node_util = require("node:util");
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
    const r = (0, import_node_util.parseArgs)({ args: argv, options: { ...COMMON, ...spec.options }, allowPositionals: true, strict: true });
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
function flag(p, name) {
  return p.values[name] === true;
}

// src/cli/check-plan.ts
var CHECK_SPEC = {
  name: "check",
  usage: "pucs check [--base REF] [--agent A] [--stream S] [--record] [--format text|markdown] [--json]",
  summary: "Check this branch's changes (vs. its merge base) against the ledger: the report the GitHub App posts",
  options: { base: { type: "string" }, agent: { type: "string" }, stream: { type: "string" }, record: { type: "boolean" }, format: { type: "string" } },
  positionals: 0
};
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
var LEDGER_CONFIG = ["config", "-z", "--get-regexp", "^(pucs\\.ledger|remote\\..*\\.url)$"];
function planCheck(argv, env) {
  let p;
  try {
    p = parseCommand(CHECK_SPEC, argv);
  } catch {
    return null;
  }
  if (flag(p, "help") || flag(p, "record") || str(p, "remote") !== void 0 || env.PUCS_REMOTE) return null;
  const format = str(p, "format") ?? "text";
  if (format !== "text" && format !== "markdown") return null;
  const base = str(p, "base");
  const revParse = revParseArgs(base);
  const diff = base !== void 0 ? diffArgs(base) : null;
  const local = flag(p, "local");
  const config = local ? null : LEDGER_CONFIG;
  return { p, format, base, local, revParse, untracked: UNTRACKED, diff, config, first: [...diff ? [diff] : [], revParse, ...config ? [config] : [], UNTRACKED] };
}

// src/cli/git-batch.ts
var import_node_child_process = require("node:child_process");
var MAX_BYTES = 64 * 1024 * 1024;
var quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
function batchScript(commands) {
  const fds = commands.map((_, k) => 3 + k);
  const lines = commands.map((args, k) => {
    const others = fds.filter((fd) => fd !== fds[k]).map((fd) => ` ${fd}>&-`).join("");
    return `{ git ${args.map(quote).join(" ")} 2>/dev/null; printf '\\n%d' $?; } >&${fds[k]}${others} &`;
  });
  return [...lines, `exec${fds.map((fd) => ` ${fd}>&-`).join("")}`, "wait", ""].join("\n");
}
function parseAnswer(buf) {
  const nl = buf.lastIndexOf(10);
  if (nl === -1) return null;
  const tail = buf.subarray(nl + 1).toString("latin1");
  if (!/^\d{1,3}$/.test(tail)) return null;
  return { stdout: buf.subarray(0, nl).toString("utf8"), code: Number(tail) };
}
function startGitBatch(commands, cwd) {
  const answers = /* @__PURE__ */ new Map();
  const key = (args) => JSON.stringify(args);
  let child;
  try {
    child = (0, import_node_child_process.spawn)("/bin/sh", ["-c", batchScript(commands)], {
      cwd,
      env: { ...process.env, LC_ALL: "C", LANGUAGE: "C", GIT_TERMINAL_PROMPT: "0" },
      stdio: ["ignore", "ignore", "ignore", ...commands.map(() => "pipe")],
      windowsHide: true
    });
  } catch {
    const asked = new Set(commands.map(key));
    const none = (args, at) => at === cwd && asked.has(key(args)) ? Promise.resolve(null) : void 0;
    return { take: none, peek: none };
  }
  child.on("error", () => {
  });
  commands.forEach((args, k) => {
    const pipe = child.stdio[3 + k];
    answers.set(
      key(args),
      new Promise((resolve2) => {
        if (!pipe) return resolve2(null);
        const parts = [];
        let size = 0;
        pipe.on("data", (b) => {
          size += b.length;
          if (size <= MAX_BYTES) parts.push(b);
        });
        pipe.on("error", () => resolve2(null));
        pipe.on("end", () => resolve2(size > MAX_BYTES ? null : parseAnswer(Buffer.concat(parts))));
        pipe.on("close", () => resolve2(null));
      })
    );
  });
  return {
    take(args, at) {
      if (at !== cwd) return void 0;
      const k = key(args);
      const a = answers.get(k);
      answers.delete(k);
      return a;
    },
    peek: (args, at) => at === cwd ? answers.get(key(args)) : void 0
  };
}

// src/cli/check-boot.ts
var FAST_PATH_FILE = "check-fast.cjs";
async function gitCommonDir(rev) {
  const r = await rev;
  const dir = r && r.code === 0 ? r.stdout.split("\n")[1] : void 0;
  return dir && (0, import_node_path2.isAbsolute)(dir) ? dir : null;
}
async function bootCheck(argv, io, dir, importer) {
  const plan = planCheck(argv, io.env);
  if (!plan) return null;
  const batch = startGitBatch(plan.first, io.cwd);
  const rev = batch.peek(plan.revParse, io.cwd);
  const { guessCommonDir: guessCommonDir2, loadBundle: loadBundle2 } = await Promise.resolve().then(() => (init_fast_load(), fast_load_exports));
  const guess = guessCommonDir2(io.cwd, io.env);
  let fast;
  try {
    fast = loadBundle2((0, import_node_path2.join)(dir, FAST_PATH_FILE), guess === null ? null : (0, import_node_path2.join)(guess, CACHE_DIR), importer);
  } catch {
    return null;
  }
  if (typeof fast.exports.fastCheck !== "function") return null;
  const code = await fast.exports.fastCheck(argv, io, batch);
  if (code !== null) {
    const common = await gitCommonDir(rev);
    if (common !== null) fast.save((0, import_node_path2.join)(common, CACHE_DIR));
  }
  return code;
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  FAST_PATH_FILE,
  bootCheck
});
