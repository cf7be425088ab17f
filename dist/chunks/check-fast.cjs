var __pucsMetaUrl = require('node:url').pathToFileURL(__filename).href;
"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
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
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/cli/check-fast.ts
var check_fast_exports = {};
__export(check_fast_exports, {
  fastCheck: () => fastCheck
});
module.exports = __toCommonJS(check_fast_exports);
var import_node_fs4 = require("node:fs");
var import_node_path4 = require("node:path");

// src/config-file.ts
var import_node_fs = require("node:fs");
var import_node_path = require("node:path");
var CONFIG_PATHS = ["config/pucs_streams.yaml", ".github/pucs.yml"];
function displayPath(root, abs) {
  const rel = (0, import_node_path.relative)(root, abs);
  if (rel === "" || rel.startsWith("..") || (0, import_node_path.isAbsolute)(rel)) return abs;
  return rel.split(import_node_path.sep).join("/");
}
async function isFile(p) {
  try {
    return (0, import_node_fs.statSync)(p).isFile();
  } catch {
    return false;
  }
}
function issue(file, message) {
  return { file, line: 0, col: 0, message, severity: "error" };
}
async function locateConfigFile(repoRoot, override) {
  const root = (0, import_node_path.resolve)(repoRoot);
  let abs;
  if (override !== void 0) {
    abs = (0, import_node_path.resolve)(override);
    const shown = displayPath(root, abs);
    let st;
    try {
      st = (0, import_node_fs.statSync)(abs);
    } catch {
      return { ok: false, path: shown, issues: [issue(shown, `config file not found (given with --config): ${abs}`)] };
    }
    if (!st.isFile()) {
      return { ok: false, path: shown, issues: [issue(shown, `not a file (given with --config): ${abs}`)] };
    }
  } else {
    let found = null;
    for (const candidate of CONFIG_PATHS) {
      const p = (0, import_node_path.resolve)(root, candidate);
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

// node_modules/balanced-match/dist/esm/index.js
var range = (a, b, str2) => {
  let begs, beg, left, right = void 0, result;
  let ai = str2.indexOf(a);
  let bi = str2.indexOf(b, ai + 1);
  let i = ai;
  if (ai >= 0 && bi > 0) {
    if (a === b) {
      return [ai, bi];
    }
    begs = [];
    left = str2.length;
    while (i >= 0 && !result) {
      if (i === ai) {
        begs.push(i);
        ai = str2.indexOf(a, i + 1);
      } else if (begs.length === 1) {
        const r = begs.pop();
        if (r !== void 0)
          result = [r, bi];
      } else {
        beg = begs.pop();
        if (beg !== void 0 && beg < left) {
          left = beg;
          right = bi;
        }
        bi = str2.indexOf(b, i + 1);
      }
      i = ai < bi && ai >= 0 ? ai : bi;
    }
    if (begs.length && right !== void 0) {
      result = [left, right];
    }
  }
  return result;
};

// node_modules/brace-expansion/dist/esm/index.js
var escSlash = "\0SLASH" + Math.random().toFixed(16) + "\0";
var escOpen = "\0OPEN" + Math.random().toFixed(16) + "\0";
var escClose = "\0CLOSE" + Math.random().toFixed(16) + "\0";
var escComma = "\0COMMA" + Math.random().toFixed(16) + "\0";
var escPeriod = "\0PERIOD" + Math.random().toFixed(16) + "\0";
var escSlashPattern = new RegExp(escSlash, "g");
var escOpenPattern = new RegExp(escOpen, "g");
var escClosePattern = new RegExp(escClose, "g");
var escCommaPattern = new RegExp(escComma, "g");
var escPeriodPattern = new RegExp(escPeriod, "g");
var slashPattern = /\\\\/g;
var openPattern = /\\{/g;
var closePattern = /\\}/g;
var commaPattern = /\\,/g;
var periodPattern = /\\\./g;
var EXPANSION_MAX = 1e5;
var EXPANSION_MAX_LENGTH = 4e6;
var EXPANSION_MAX_DEPTH = 1e3;
var EXPANSION_MAX_REWRITES = 1e3;
var EXPANSION_MAX_STEPS = 2e7;
var CALL_STEPS = 16;
function numeric(str2) {
  return !isNaN(str2) ? parseInt(str2, 10) : str2.charCodeAt(0);
}
function escapeBraces(str2) {
  return str2.replace(slashPattern, escSlash).replace(openPattern, escOpen).replace(closePattern, escClose).replace(commaPattern, escComma).replace(periodPattern, escPeriod);
}
function unescapeBraces(str2) {
  return str2.replace(escSlashPattern, "\\").replace(escOpenPattern, "{").replace(escClosePattern, "}").replace(escCommaPattern, ",").replace(escPeriodPattern, ".");
}
function pushAll(target, items) {
  for (let i = 0; i < items.length; i++) {
    target.push(items[i]);
  }
}
function balancedWithBudget(str2, masked, budget) {
  if (budget.remaining < 0) {
    return void 0;
  }
  const r = range("{", "}", masked);
  const unmatched = r !== void 0 && masked.indexOf("{") < r[0];
  budget.remaining -= r && !unmatched ? r[1] + 1 : str2.length;
  if (!r || budget.remaining < 0) {
    return void 0;
  }
  return {
    end: r[1],
    pre: str2.slice(0, r[0]),
    body: str2.slice(r[0] + 1, r[1]),
    post: str2.slice(r[1] + 1),
    unmatched
  };
}
function maskUnmatchedOpens(masked, budget) {
  budget.remaining -= masked.length;
  const open = [];
  for (let i = 0; i < masked.length; i++) {
    const c = masked.charCodeAt(i);
    if (c === 123) {
      open.push(i);
    } else if (c === 125 && open.length) {
      open.pop();
    }
  }
  let out = "";
  let last = 0;
  for (let i = 0; i < open.length; i++) {
    const at = open[i];
    out += masked.slice(last, at) + "\0";
    last = at + 1;
  }
  return out + masked.slice(last);
}
function commaSetFollows(str2, budget) {
  budget.remaining -= str2.length;
  if (budget.remaining < 0) {
    return false;
  }
  let close2 = false;
  for (let i = str2.length - 1; i >= 0; i--) {
    const c = str2.charCodeAt(i);
    if (c === 125) {
      close2 = true;
    } else if (c === 10 || c === 13 || c === 8232 || c === 8233) {
      close2 = false;
    } else if (c === 44 && close2 && str2.charCodeAt(i + 1) !== 44) {
      return true;
    }
  }
  return false;
}
function parseCommaParts(str2, budget) {
  const parts = [];
  let carry = "";
  for (; ; ) {
    const m = balancedWithBudget(str2, str2, budget);
    if (budget.remaining < 0) {
      return void 0;
    }
    if (!m) {
      const tail = str2.split(",");
      tail[0] = carry + tail[0];
      pushAll(parts, tail);
      return parts;
    }
    const { pre, body, post } = m;
    const p = pre.split(",");
    p[0] = carry + p[0];
    p[p.length - 1] += "{" + body + "}";
    if (!post.length) {
      pushAll(parts, p);
      return parts;
    }
    carry = p.pop();
    pushAll(parts, p);
    str2 = post;
  }
}
function bound(value, fallback) {
  return value === void 0 || isNaN(value) ? fallback : value;
}
function expand(str2, options = {}) {
  if (!str2) {
    return [];
  }
  const max = bound(options.max, EXPANSION_MAX);
  const maxLength = bound(options.maxLength, EXPANSION_MAX_LENGTH);
  const maxDepth = bound(options.maxDepth, EXPANSION_MAX_DEPTH);
  const maxRewrites = bound(options.maxRewrites, EXPANSION_MAX_REWRITES);
  const maxSteps = bound(options.maxSteps, EXPANSION_MAX_STEPS);
  if (str2.slice(0, 2) === "{}") {
    str2 = "\\{\\}" + str2.slice(2);
  }
  return expand_(escapeBraces(str2), max, maxLength, maxDepth, 0, maxRewrites, { remaining: maxSteps }, true).map(unescapeBraces);
}
function embrace(str2) {
  return "{" + str2 + "}";
}
function isPadded(el) {
  return /^-?0\d/.test(el);
}
function lte(i, y) {
  return i <= y;
}
function gte(i, y) {
  return i >= y;
}
function combine(acc, pre, values, max, maxLength, dropEmpties, budget) {
  const out = [];
  let length = 0;
  let nonEmpty;
  outer: for (let a = 0; a < acc.length; a++) {
    const prefix2 = acc[a] + pre;
    let vs = values;
    if (dropEmpties && !prefix2) {
      if (!nonEmpty)
        nonEmpty = values.filter((v) => v);
      vs = nonEmpty;
    }
    for (let v = 0; v < vs.length; v++) {
      if (out.length >= max)
        break outer;
      const expansion = prefix2 + vs[v];
      if (length + expansion.length > maxLength)
        break outer;
      out.push(expansion);
      length += expansion.length;
    }
  }
  budget.remaining -= out.length;
  return out;
}
function expandSequence(body, isAlphaSequence, max, maxLength, budget) {
  const n = body.split(/\.\./);
  const N = [];
  if (n[0] === void 0 || n[1] === void 0) {
    return N;
  }
  const x = numeric(n[0]);
  const y = numeric(n[1]);
  const width = Math.max(n[0].length, n[1].length);
  let incr = n.length === 3 && n[2] !== void 0 ? Math.max(Math.abs(numeric(n[2])), 1) : 1;
  let test = lte;
  const reverse = y < x;
  if (reverse) {
    incr *= -1;
    test = gte;
  }
  const pad = n.some(isPadded);
  const cost = pad ? width : 1;
  let length = 0;
  for (let i = x; test(i, y) && N.length < max; i += incr) {
    budget.remaining -= cost;
    if (budget.remaining < 0) {
      return void 0;
    }
    let c;
    if (isAlphaSequence) {
      c = String.fromCharCode(i);
      if (c === "\\") {
        c = "";
      }
    } else {
      c = String(i);
      if (pad) {
        const need = width - c.length;
        if (need > 0) {
          const z = new Array(need + 1).join("0");
          if (i < 0) {
            c = "-" + z + c.slice(1);
          } else {
            c = z + c;
          }
        }
      }
    }
    if (length + c.length > maxLength)
      break;
    N.push(c);
    length += c.length;
  }
  return N;
}
function expand_(str2, max, maxLength, maxDepth, depth, maxRewrites, budget, isTop) {
  budget.remaining -= CALL_STEPS;
  if (depth > maxDepth) {
    return [str2];
  }
  let acc = [""];
  let rewrites = 0;
  let dropEmpties = false;
  let firstGroup = true;
  let masked = str2;
  for (; ; ) {
    const m = balancedWithBudget(str2, masked, budget);
    if (!m) {
      return combine(acc, str2, [""], max, maxLength, dropEmpties, budget);
    }
    if (m.unmatched) {
      masked = maskUnmatchedOpens(masked, budget);
    }
    const pre = m.pre;
    const literal2 = () => combine(acc, pre + "{" + m.body + "}" + m.post, [""], max, maxLength, dropEmpties, budget);
    if (/\$$/.test(pre)) {
      acc = combine(acc, pre + "{" + m.body + "}", [""], max, maxLength, dropEmpties && !m.post.length, budget);
      firstGroup = false;
      if (!m.post.length)
        break;
      str2 = m.post;
      masked = masked.slice(m.end + 1);
      continue;
    }
    const isNumericSequence = /^-?\d+\.\.-?\d+(?:\.\.-?\d+)?$/.test(m.body);
    const isAlphaSequence = /^[a-zA-Z]\.\.[a-zA-Z](?:\.\.-?\d+)?$/.test(m.body);
    const isSequence = isNumericSequence || isAlphaSequence;
    const isOptions = m.body.indexOf(",") >= 0;
    if (!isSequence && !isOptions) {
      if (rewrites < maxRewrites && commaSetFollows(m.post, budget)) {
        rewrites++;
        str2 = m.pre + "{" + m.body + escClose + m.post;
        masked = masked.slice(0, m.end) + escClose + masked.slice(m.end + 1);
        isTop = true;
        continue;
      }
      return literal2();
    }
    if (firstGroup) {
      dropEmpties = isTop && !isSequence;
      firstGroup = false;
    }
    let values;
    if (isSequence) {
      values = expandSequence(m.body, isAlphaSequence, max, maxLength, budget);
      if (!values) {
        return literal2();
      }
    } else {
      let n = parseCommaParts(m.body, budget);
      if (!n) {
        return literal2();
      }
      if (n.length === 1 && n[0] !== void 0) {
        n = expand_(n[0], max, maxLength, maxDepth, depth + 1, maxRewrites, budget, false).map(embrace);
        if (budget.remaining < 0) {
          return literal2();
        }
        if (n.length === 1) {
          const next2 = combine(acc, pre + n[0], [""], max, maxLength, dropEmpties && !m.post.length, budget);
          if (budget.remaining < 0) {
            return literal2();
          }
          acc = next2;
          if (!m.post.length)
            break;
          str2 = m.post;
          masked = masked.slice(m.end + 1);
          continue;
        }
      }
      let dropsEmpties = dropEmpties && !m.post.length && !pre;
      for (let d = 0; dropsEmpties && d < acc.length; d++) {
        if (acc[d]) {
          dropsEmpties = false;
        }
      }
      values = [];
      let valuesLength = 0;
      outer: for (let j = 0; j < n.length; j++) {
        const expanded = expand_(n[j], max, maxLength, maxDepth, depth + 1, maxRewrites, budget, false);
        if (budget.remaining < 0) {
          return literal2();
        }
        for (let k = 0; k < expanded.length; k++) {
          const v = expanded[k];
          if (dropsEmpties && !v)
            continue;
          if (values.length >= max || valuesLength + v.length > maxLength) {
            break outer;
          }
          values.push(v);
          valuesLength += v.length;
        }
      }
    }
    const next = combine(acc, pre, values, max, maxLength, dropEmpties && !m.post.length, budget);
    if (budget.remaining < 0) {
      return literal2();
    }
    acc = next;
    if (!m.post.length)
      break;
    str2 = m.post;
    masked = masked.slice(m.end + 1);
  }
  return acc;
}

// node_modules/@isaacs/nonrecursive-glob-match/dist/esm/numeric-range.js
var digit = (a, b) => a === b ? { t: "lit", ch: String(a) } : { t: "class", re: new RegExp(`^[${a}-${b}]$`) };
var prefix = (d, alts) => alts.map((s) => [digit(d, d), ...s]);
var fixed = (a, b) => {
  if (!a)
    return [[]];
  let lo = +a[0];
  let hi = +b[0];
  const ra = a.slice(1);
  const rb = b.slice(1);
  if (lo === hi)
    return prefix(lo, fixed(ra, rb));
  const zeros = "0".repeat(ra.length);
  const nines = "9".repeat(ra.length);
  const out = [];
  if (ra !== zeros)
    out.push(...prefix(lo++, fixed(ra, nines)));
  const last = rb === nines ? [] : prefix(hi--, fixed(zeros, rb));
  if (lo <= hi) {
    out.push([digit(lo, hi), ...Array.from(ra, () => digit(0, 9))]);
  }
  out.push(...last);
  return out;
};
var nonneg = (a, b, width) => {
  if (width) {
    return fixed(String(a).padStart(width, "0"), String(b).padStart(width, "0"));
  }
  const out = [];
  for (let len = String(a).length; len <= String(b).length; len++) {
    const lo = Math.max(a, len === 1 ? 0 : 10 ** (len - 1));
    const hi = Math.min(b, 10 ** len - 1);
    out.push(...fixed(String(lo), String(hi)));
  }
  return out;
};
var numericRange = (loStr, hiStr) => {
  let lo = Number(loStr);
  let hi = Number(hiStr);
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi))
    return;
  if (lo > hi)
    [lo, hi] = [hi, lo];
  const padded = /^-?0\d/.test(loStr) || /^-?0\d/.test(hiStr);
  const width = padded ? Math.max(loStr.length, hiStr.length) : 0;
  const out = [];
  if (lo < 0) {
    const neg = nonneg(Math.max(-hi, 1), -lo, width && width - 1);
    out.push(...neg.map((s) => [{ t: "lit", ch: "-" }, ...s]));
  }
  if (hi >= 0)
    out.push(...nonneg(Math.max(lo, 0), hi, width));
  return out;
};

// node_modules/@isaacs/nonrecursive-glob-match/dist/esm/parse-class.js
var posixClasses = {
  "[:alnum:]": ["\\p{L}\\p{Nl}\\p{Nd}"],
  "[:alpha:]": ["\\p{L}\\p{Nl}"],
  "[:ascii:]": ["\\x00-\\x7f"],
  "[:blank:]": ["\\p{Zs}\\t"],
  "[:cntrl:]": ["\\p{Cc}"],
  "[:digit:]": ["\\p{Nd}"],
  "[:graph:]": ["\\p{Z}\\p{C}", true],
  "[:lower:]": ["\\p{Ll}"],
  "[:print:]": ["\\p{C}", true],
  "[:punct:]": ["\\p{P}\\p{S}"],
  "[:space:]": ["\\p{Z}\\t\\r\\n\\v\\f"],
  "[:upper:]": ["\\p{Lu}"],
  "[:word:]": ["\\p{L}\\p{Nl}\\p{Nd}\\p{Pc}"],
  "[:xdigit:]": ["A-Fa-f0-9"]
};
var braceEscape = (s) => s.replace(/[[\]\\-]/g, "\\$&");
var noMatch = /$./;
var parseClass = (glob, position, nocase = false, form) => {
  const norm = (c) => {
    const n = form ? c.normalize(form) : c;
    return [...n].length === 1 ? n : c;
  };
  const pos = position;
  if (glob.charAt(pos) !== "[") {
    throw new Error("not in a brace expression");
  }
  const ranges = [];
  const negs = [];
  let i = pos + 1;
  let sawStart = false;
  let escaping = false;
  let negate = false;
  let endPos = pos;
  let rangeStart = "";
  WHILE: while (i < glob.length) {
    const c = String.fromCodePoint(glob.codePointAt(i));
    if ((c === "!" || c === "^") && i === pos + 1) {
      negate = true;
      i++;
      continue;
    }
    if (c === "]" && sawStart && !escaping) {
      endPos = i + 1;
      break;
    }
    sawStart = true;
    if (c === "\\") {
      if (!escaping) {
        escaping = true;
        i++;
        continue;
      }
    }
    if (c === "[" && !escaping) {
      for (const [cls, [unip, neg]] of Object.entries(posixClasses)) {
        if (glob.startsWith(cls, i)) {
          if (rangeStart) {
            return [noMatch, glob.length - pos];
          }
          i += cls.length;
          if (neg)
            negs.push(unip);
          else
            ranges.push(unip);
          continue WHILE;
        }
      }
    }
    escaping = false;
    const n = norm(c);
    if (rangeStart) {
      if (n.codePointAt(0) > rangeStart.codePointAt(0)) {
        ranges.push(braceEscape(rangeStart) + "-" + braceEscape(n));
      } else if (n === rangeStart) {
        ranges.push(braceEscape(n));
      }
      rangeStart = "";
      i += c.length;
      continue;
    }
    if (glob.startsWith("-]", i + c.length)) {
      ranges.push(braceEscape(n + "-"));
      i += c.length + 1;
      continue;
    }
    if (glob.startsWith("-", i + c.length)) {
      rangeStart = n;
      i += c.length + 1;
      continue;
    }
    ranges.push(braceEscape(n));
    i += c.length;
  }
  if (endPos < i) {
    return [noMatch, 0];
  }
  if (!ranges.length && !negs.length) {
    return [noMatch, glob.length - pos];
  }
  const sranges = "[" + (negate ? "^" : "") + ranges.join("") + "]";
  const snegs = "[" + (negate ? "" : "^") + negs.join("") + "]";
  const comb = "^" + (ranges.length && negs.length ? "(" + sranges + "|" + snegs + ")" : ranges.length ? sranges : snegs);
  return [new RegExp(comb, nocase ? "iu" : "u"), endPos - pos];
};

// node_modules/@isaacs/nonrecursive-glob-match/dist/esm/index.js
var MATCH = { t: "match", id: 0 };
var extTypes = "!?+*@";
var lit = (ch) => ({ t: "lit", ch });
var reEscape = (s) => s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
var newFoldRe = (s) => new RegExp(`^${reEscape(s)}$`, "iu");
var foldCache = /* @__PURE__ */ new Map();
var foldRe = (ch) => {
  let re = foldCache.get(ch);
  if (!re) {
    re = newFoldRe(ch);
    if (foldCache.size >= 1e3)
      foldCache.clear();
    foldCache.set(ch, re);
  }
  return re;
};
var litMatch = (l, c) => {
  if (c === l.ch)
    return true;
  if (!l.re)
    return false;
  const code = c.charCodeAt(0);
  if (code >= 128)
    return l.re.test(c);
  const ascii = l.ascii ??= new Uint8Array(128);
  ascii[code] ||= l.re.test(c) ? 1 : 2;
  return ascii[code] === 1;
};
var tokenize = (p, nocase, noext, form, mark) => {
  const toks = [];
  for (let i = 0; i < p.length; ) {
    const c = String.fromCodePoint(p.codePointAt(i));
    if (mark) {
      const m = c === "\\" && p.startsWith(mark, i + 1) ? 1 : 0;
      if (m || c === mark) {
        const start = i + m + mark.length;
        const end = p.indexOf(mark, start);
        const r = /^(-?\d+)\.\.(-?\d+)$/.exec(p.slice(start, end));
        const alts = end !== -1 && r && numericRange(r[1], r[2]);
        if (alts) {
          toks.push({ t: "ext", type: "@", alts });
          i = end + mark.length;
          continue;
        }
      }
    }
    if (c === "\\") {
      const e = p.codePointAt(i + 1);
      const ch = e === void 0 ? c : String.fromCodePoint(e);
      toks.push(lit(ch));
      i += 1 + ch.length;
      continue;
    }
    if (c === "[") {
      const [re, consumed] = parseClass(p, i, nocase, form);
      if (consumed) {
        toks.push({ t: "class", re });
        i += consumed;
        continue;
      }
    }
    if (!noext && extTypes.includes(c) && p[i + 1] === "(") {
      toks.push({ t: "open", type: c });
      i += 2;
      continue;
    }
    toks.push(!noext && c === "|" ? { t: "bar" } : !noext && c === ")" ? { t: "close" } : c === "*" ? { t: "star" } : c === "?" ? { t: "any" } : lit(c));
    i += c.length;
  }
  return toks;
};
var pair = (toks) => {
  const pairs = /* @__PURE__ */ new Map();
  const stack = [];
  toks.forEach((tok, i) => {
    if (tok.t === "open")
      stack.push(i);
    else if (tok.t === "close" && stack.length)
      pairs.set(stack.pop(), i);
  });
  return pairs;
};
var build = (toks, pairs, start, end, top) => {
  let seq = [];
  const alts = [seq];
  for (let i = start; i < end; i++) {
    const tok = toks[i];
    const close2 = pairs.get(i);
    if (tok.t === "open" && close2 !== void 0) {
      const sub = build(toks, pairs, i + 1, close2, false);
      seq.push({ t: "ext", type: tok.type, alts: sub });
      i = close2;
    } else if (tok.t === "bar" && !top) {
      alts.push(seq = []);
    } else if (tok.t === "open") {
      seq.push(lit(tok.type), lit("("));
    } else if (tok.t === "bar") {
      seq.push(lit("|"));
    } else if (tok.t === "close") {
      seq.push(lit(")"));
    } else {
      seq.push(tok);
    }
  }
  return alts;
};
var normalize = (items, form) => {
  const out = [];
  let run2 = "";
  const flush = () => {
    for (const ch of run2.normalize(form))
      out.push(lit(ch));
    run2 = "";
  };
  for (const it of items) {
    if (it.t === "lit") {
      run2 += it.ch;
      continue;
    }
    flush();
    out.push(it.t === "ext" ? { ...it, alts: it.alts.map((a) => normalize(a, form)) } : it);
  }
  flush();
  return out;
};
var compile = (items, nocase) => {
  let id = 1;
  const split = (out) => ({ t: "split", id: id++, out });
  const seq = (items2, next) => items2.reduceRight((next2, it) => item(it, next2), next);
  const item = (it, next) => {
    switch (it.t) {
      case "lit":
        const re = nocase ? foldRe(it.ch) : void 0;
        return { t: "lit", id: id++, ch: it.ch, re, next };
      case "any":
      case "star":
        return { t: it.t, id: id++, next };
      case "class":
        return { t: "class", id: id++, re: it.re, next };
    }
    const alts = (next2) => it.alts.map((a) => seq(a, next2));
    switch (it.type) {
      case "@":
        return split(alts(next));
      case "?":
        return split([next, ...alts(next)]);
      case "!":
        return { t: "neg", id: id++, sub: split(alts(MATCH)), next };
    }
    const after = split([]);
    const entry = split(alts(after));
    after.out.push(next, entry);
    return it.type === "*" ? after : entry;
  };
  const start = seq(items, MATCH);
  return [start, id];
};
var show = (start) => {
  const lines2 = [];
  const seen = /* @__PURE__ */ new Set();
  const ref = (n) => n.t === "match" ? "match" : String(n.id);
  const walk = (n, indent) => {
    if (n.t === "match" || seen.has(n))
      return;
    seen.add(n);
    const line = (desc) => lines2.push(`${indent}${n.id}: ${desc}`);
    switch (n.t) {
      case "split":
        line(`split -> ${n.out.map(ref).join(", ")}`);
        for (const o of n.out)
          walk(o, indent);
        return;
      case "neg":
        line(`!(${ref(n.sub)}) -> ${ref(n.next)}`);
        walk(n.sub, indent + "  ");
        return walk(n.next, indent);
      case "lit":
        line(`${JSON.stringify(n.ch)} -> ${ref(n.next)}`);
        break;
      case "class":
        line(`${n.re} -> ${ref(n.next)}`);
        break;
      default:
        line(`${n.t === "any" ? "?" : "*"} -> ${ref(n.next)}`);
    }
    walk(n.next, indent);
  };
  walk(start, "");
  return [`start -> ${ref(start)}`, ...lines2].join("\n");
};
var State = class {
  // set by the Sim, to mark the nodes that this state has
  gen;
  threads = [];
  match = false;
  runs = [];
  // the sorted ids of the threads, with 0 for a match, once the
  // state is done
  ids = [];
  constructor(gen) {
    this.gen = gen;
  }
  // no threads, so nothing more can match
  get dead() {
    return !this.threads.length && !this.match && !this.runs.length;
  }
};
var sameState = (a, b) => {
  if (a.ids.length !== b.ids.length)
    return false;
  if (a.runs.length !== b.runs.length)
    return false;
  if (a.ids.some((id, i) => id !== b.ids[i]))
    return false;
  return a.runs.every((r) => b.runs.some((o) => o.neg === r.neg && sameState(o.state, r.state)));
};
var marks = (size) => ({
  has: new Float64Array(size),
  seen: new Float64Array(size),
  gen: 0
});
var Sim = class {
  // `.` and `..` only match literal dots, even with `dot:true`
  dots;
  // the string starts with `.`, and `dot:true` is not set
  dotStart;
  #marks;
  constructor(dots, dotStart, marks2) {
    this.dots = dots;
    this.dotStart = dotStart;
    this.#marks = marks2;
  }
  state() {
    return new State(++this.#marks.gen);
  }
  // sort the ids of a state, once it has all of its threads
  done(state) {
    state.ids = state.threads.map((n) => n.id).sort((a, b) => a - b);
    if (state.match)
      state.ids.unshift(MATCH.id);
    return state;
  }
  // true the first time that the state walks through the node, so
  // that loops in the graph stop
  #visit(state, node) {
    const { seen } = this.#marks;
    if (seen[node.id] === state.gen)
      return false;
    seen[node.id] = state.gen;
    return true;
  }
  #addThread(state, node) {
    const { has } = this.#marks;
    if (has[node.id] === state.gen)
      return false;
    has[node.id] = state.gen;
    state.threads.push(node);
    return true;
  }
  // wildcards only match a leading dot if `dot:true`. In a negated
  // sub-pattern, this does not apply, because the negation itself
  // can not match a leading dot.
  restricted(i, top) {
    return top && (this.dots || this.dotStart && i === 0);
  }
  add(state, node, i, top) {
    switch (node.t) {
      case "split":
        if (!this.#visit(state, node))
          return;
        for (const o of node.out)
          this.add(state, o, i, top);
        return;
      case "neg":
        if (!this.#visit(state, node))
          return;
        const sub = this.state();
        this.add(sub, node.sub, i, false);
        this.done(sub);
        return this.addRun(state, { t: "run", neg: node, state: sub }, i, top);
      case "star":
        if (this.restricted(i, top))
          return;
        if (this.#addThread(state, node))
          this.add(state, node.next, i, top);
        return;
      case "match":
        state.match = true;
        return;
      default:
        this.#addThread(state, node);
    }
  }
  addRun(state, run2, i, top) {
    for (const r of state.runs) {
      if (r.neg === run2.neg && sameState(r.state, run2.state))
        return;
    }
    state.runs.push(run2);
    if (!run2.state.match) {
      this.add(state, run2.neg.next, i, top);
    }
  }
  // the threads after char `c`, at index `i`
  step(state, c, i, top) {
    const next = this.state();
    for (const th of state.threads) {
      switch (th.t) {
        case "lit":
          if (litMatch(th, c)) {
            this.add(next, th.next, i + 1, top);
          }
          break;
        case "any":
          if (!this.restricted(i, top))
            this.add(next, th.next, i + 1, top);
          break;
        case "class":
          if (!this.restricted(i, top) && th.re.test(c)) {
            this.add(next, th.next, i + 1, top);
          }
          break;
        case "star":
          if (!this.restricted(i, top))
            this.add(next, th, i + 1, top);
      }
    }
    if (!this.restricted(i, top)) {
      for (const run2 of state.runs) {
        if (run2.state.dead) {
          this.addRun(next, run2, i + 1, top);
          continue;
        }
        const sub = this.step(run2.state, c, i, false);
        this.addRun(next, { t: "run", neg: run2.neg, state: sub }, i + 1, top);
      }
    }
    return this.done(next);
  }
};
var stateKey = (state) => {
  const ids = state.ids.join();
  if (!state.runs.length)
    return ids;
  const runs = state.runs.map((r) => `${r.neg.id}(${stateKey(r.state)})`);
  return `${ids}|${runs.sort().join("|")}`;
};
var DFA_BUDGET = 1 << 18;
var Dfa = class {
  #start;
  #states = /* @__PURE__ */ new Map();
  #size = 0;
  #plain;
  #dotStart;
  #sim;
  #dotSim;
  constructor(start, marks2) {
    this.#start = start;
    this.#sim = new Sim(false, false, marks2);
    this.#dotSim = new Sim(false, true, marks2);
  }
  #make(state) {
    return {
      state,
      match: state.match,
      dead: state.dead,
      next: /* @__PURE__ */ new Map()
    };
  }
  #intern(state) {
    const key = stateKey(state);
    const found = this.#states.get(key);
    if (found)
      return found;
    if (this.#size > DFA_BUDGET)
      this.#clear();
    const d = this.#make(state);
    this.#states.set(key, d);
    this.#size += key.length + 1;
    return d;
  }
  #clear() {
    this.#states.clear();
    this.#size = 0;
    this.#plain = void 0;
    this.#dotStart = void 0;
  }
  start(dotStart) {
    if (dotStart) {
      if (this.#dotStart)
        return this.#dotStart;
      const state2 = this.#dotSim.state();
      this.#dotSim.add(state2, this.#start, 0, true);
      return this.#dotStart = this.#make(this.#dotSim.done(state2));
    }
    if (this.#plain)
      return this.#plain;
    const state = this.#sim.state();
    this.#sim.add(state, this.#start, 0, true);
    return this.#plain = this.#intern(this.#sim.done(state));
  }
  // the next state, after a miss in `d.ascii`
  next(d, c) {
    const code = c.charCodeAt(0);
    const found = code < 128 ? void 0 : d.next.get(c);
    if (found)
      return found;
    const n = d === this.#dotStart ? this.#intern(this.#dotSim.step(d.state, c, 0, true)) : this.#intern(this.#sim.step(d.state, c, 1, true));
    if (code < 128) {
      if (!d.ascii) {
        d.ascii = new Array(128);
        this.#size += 128;
      }
      d.ascii[code] = n;
    } else {
      d.next.set(c, n);
    }
    this.#size++;
    return n;
  }
};
var linear = (start) => {
  const nodes = [];
  for (let n = start; n.t !== "match"; n = n.next) {
    if (n.t === "split" || n.t === "neg")
      return void 0;
    nodes.push(n);
  }
  return nodes;
};
var testLinear = (nodes, chars, start, end) => {
  let ni = 0;
  let ci = start;
  let starNi = -1;
  let starCi = 0;
  while (ci < end) {
    const n = nodes[ni];
    if (n?.t === "star") {
      starNi = ni++;
      starCi = ci;
      continue;
    }
    const c = chars[ci];
    if (n && (n.t === "any" || n.t === "lit" && litMatch(n, c) || n.t === "class" && n.re.test(c))) {
      ni++;
      ci++;
      continue;
    }
    if (starNi === -1)
      return false;
    ni = starNi + 1;
    ci = ++starCi;
  }
  while (nodes[ni]?.t === "star")
    ni++;
  return ni === nodes.length;
};
var lengths = (items) => {
  let min = 0;
  let max = 0;
  for (const it of items) {
    const [lo, hi] = itemLengths(it);
    min += lo;
    max += hi;
  }
  return [min, max];
};
var itemLengths = (it) => {
  if (it.t === "star")
    return [0, Infinity];
  if (it.t !== "ext")
    return [1, 1];
  if (it.type === "!")
    return [0, Infinity];
  const alts = it.alts.map(lengths);
  const min = Math.min(...alts.map((a) => a[0]));
  const max = Math.max(...alts.map((a) => a[1]));
  const loop = max === 0 ? 0 : Infinity;
  return it.type === "@" ? [min, max] : it.type === "?" ? [0, max] : it.type === "*" ? [0, loop] : [min, loop];
};
var hasAffix = (lits, chars, start) => {
  for (let j = 0; j < lits.length; j++) {
    if (!litMatch(lits[j], chars[start + j]))
      return false;
  }
  return true;
};
var slashOrSurrogate = /[/\ud800-\udfff]/;
var surrogate = /[\ud800-\udfff]/;
var codePoints = (s) => surrogate.test(s) ? [...s] : s;
var noSlash = (s) => {
  if (s.includes("/")) {
    throw new Error("can only match a single path portion, got: " + s);
  }
};
var Matcher = class {
  pattern;
  options;
  #start;
  // the number of node ids
  #size;
  #marks;
  // the Sim for strings that are only `.` or `..`
  #dotsSim;
  // the string to compare, if the pattern has no magic. With
  // `nocase:true`, the RegExp that folds case is made when it is
  // first used.
  #literal;
  #literalFold = false;
  #literalRe;
  // the nodes between the prefix and suffix, if the graph is a
  // single chain
  #linear;
  // the linear nodes are only `*` and `?`, so the length bounds and
  // the prefix and suffix decide the match
  #wild = false;
  // the least and most chars that a match can have
  #min = 0;
  #max = Infinity;
  // the literals that a match must start and end with. Each one
  // matches exactly one char, and they are distinct items in the
  // pattern, so a string that does not have them can not match.
  #prefix = [];
  #suffix = [];
  // the prefix and suffix as strings, if they do not fold case
  #prefixStr;
  #suffixStr;
  // there is a prefix or suffix to check
  #affix = false;
  #dfa;
  #form;
  constructor(pattern, options = {}) {
    if (pattern.includes("/")) {
      throw new Error("can only match a single path portion, got pattern: " + pattern);
    }
    this.pattern = pattern;
    this.options = options;
    const { nocase = false, noext = false, normalize: n } = options;
    this.#form = n === true ? "NFC" : n || void 0;
    const literal2 = /^[?*+@]\(\)$/.test(pattern);
    const toks = tokenize(pattern, nocase, noext || literal2, this.#form, options.rangeMark);
    let [items] = build(toks, pair(toks), 0, toks.length, true);
    if (this.#form)
      items = normalize(items, this.#form);
    const [start, size] = compile(items, nocase);
    this.#start = start;
    this.#size = size;
    if (items.every((it) => it.t === "lit")) {
      this.#literal = items.map((it) => it.ch).join("");
      this.#literalFold = nocase;
    } else {
      const lit2 = (it) => it.t !== "lit" ? void 0 : nocase ? { ch: it.ch, re: foldRe(it.ch) } : { ch: it.ch };
      for (const it of items) {
        const l = lit2(it);
        if (!l)
          break;
        this.#prefix.push(l);
      }
      for (let j = items.length - 1; j >= 0; j--) {
        const l = lit2(items[j]);
        if (!l)
          break;
        this.#suffix.unshift(l);
      }
      this.#affix = !!(this.#prefix.length || this.#suffix.length);
      if (!nocase) {
        this.#prefixStr = this.#prefix.map((l) => l.ch).join("");
        this.#suffixStr = this.#suffix.map((l) => l.ch).join("");
      }
      this.#linear = linear(this.#start)?.slice(this.#prefix.length, -this.#suffix.length || void 0);
      this.#wild = !!this.#linear?.every((n2) => n2.t === "star" || n2.t === "any");
      const [min, max] = lengths(items);
      this.#min = min;
      this.#max = max;
    }
  }
  test(s) {
    if (this.#form) {
      noSlash(s);
      return this.#test(s.normalize(this.#form));
    }
    if (slashOrSurrogate.test(s)) {
      noSlash(s);
      return this.#test(s, [...s]);
    }
    return this.#test(s, s);
  }
  /**
   * The same as {@link Matcher#test}, but the string is not checked
   * for `/` chars, so the result for a string that has one is not
   * defined. Only use it for a string that is known to be one path
   * portion, such as a part of a path that was split on `/`. It can
   * be faster, because some patterns do not need to look at each char
   * of the string.
   */
  testUnchecked(s) {
    return this.#test(this.#form ? s.normalize(this.#form) : s);
  }
  // Test a string that has no `/`. `chars` indexes it by code point.
  // If it is not given, it is only found if a step needs it.
  #test(s, chars) {
    if (this.#literal !== void 0) {
      return this.#literalFold ? (this.#literalRe ??= newFoldRe(this.#literal)).test(s) : s === this.#literal;
    }
    const min = this.#min;
    const max = this.#max;
    if (chars === void 0) {
      const most = s.length;
      const least = most + 1 >> 1;
      if (most < min || least > max)
        return false;
      if (least < min || most > max)
        chars = codePoints(s);
    }
    if (chars !== void 0 && (chars.length < min || chars.length > max)) {
      return false;
    }
    const prefix2 = this.#prefix.length;
    if (this.#affix) {
      if (this.#prefixStr !== void 0 && this.#suffixStr !== void 0) {
        if (!s.startsWith(this.#prefixStr) || !s.endsWith(this.#suffixStr)) {
          return false;
        }
      } else {
        chars ??= codePoints(s);
        const end = chars.length - this.#suffix.length;
        if (!hasAffix(this.#prefix, chars, 0) || !hasAffix(this.#suffix, chars, end)) {
          return false;
        }
      }
    }
    const dotStart = !this.options.dot && s.startsWith(".");
    if (this.#linear) {
      if (s === "." || s === "..")
        return false;
      if (dotStart && !prefix2)
        return false;
      if (this.#wild)
        return true;
      chars ??= codePoints(s);
      const end = chars.length - this.#suffix.length;
      return testLinear(this.#linear, chars, prefix2, end);
    }
    chars ??= codePoints(s);
    if (s === "." || s === "..") {
      this.#marks ??= marks(this.#size);
      const sim = this.#dotsSim ??= new Sim(true, false, this.#marks);
      const start = sim.state();
      sim.add(start, this.#start, 0, true);
      let state = sim.done(start);
      for (let i = 0; i < chars.length; i++) {
        state = sim.step(state, chars[i], i, true);
      }
      return state.match;
    }
    this.#marks ??= marks(this.#size);
    const dfa = this.#dfa ??= new Dfa(this.#start, this.#marks);
    let d = dfa.start(dotStart);
    const str2 = chars === s;
    for (let i = 0; i < chars.length; i++) {
      if (d.dead)
        return false;
      const code = str2 ? s.charCodeAt(i) : chars[i].charCodeAt(0);
      d = d.ascii?.[code] ?? dfa.next(d, chars[i]);
    }
    return d.match;
  }
  /** a readable listing of the state machine */
  toString() {
    return show(this.#start);
  }
};

// node_modules/minimatch/dist/esm/assert-valid-pattern.js
var MAX_PATTERN_LENGTH = 1024 * 64;
var assertValidPattern = (pattern) => {
  if (typeof pattern !== "string") {
    throw new TypeError("invalid pattern");
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new TypeError("pattern is too long");
  }
};

// node_modules/minimatch/dist/esm/escape.js
var escape = (s, { windowsPathsNoEscape = false, magicalBraces = false } = {}) => {
  const e = magicalBraces ? windowsPathsNoEscape ? s.replace(/[?*()[\]{}]/g, "[$&]") : s.replace(/[?*()[\]\\{}]/g, "\\$&") : windowsPathsNoEscape ? s.replace(/[?*()[\]]/g, "[$&]") : s.replace(/[?*()[\]\\]/g, "\\$&");
  const c = e.charAt(0);
  if (c === "#") {
    return (windowsPathsNoEscape ? "[#]" : "\\#") + e.slice(1);
  }
  if (c === "!") {
    return (windowsPathsNoEscape ? "@(!)" : "\\!") + e.slice(1);
  }
  return e;
};

// node_modules/minimatch/dist/esm/unescape.js
var unescape = (s, { windowsPathsNoEscape = false, magicalBraces = true } = {}) => {
  if (windowsPathsNoEscape && s.startsWith("@(!)")) {
    return "!" + unescape(s.slice(4), { windowsPathsNoEscape, magicalBraces });
  }
  if (magicalBraces) {
    return windowsPathsNoEscape ? s.replace(/\[([^/\\])\]/g, "$1") : s.replace(/((?!\\).|^)\[([^/\\])\]/g, "$1$2").replace(/\\([^/])/g, "$1");
  }
  return windowsPathsNoEscape ? s.replace(/\[([^/\\{}])\]/g, "$1") : s.replace(/((?!\\).|^)\[([^/\\{}])\]/g, "$1$2").replace(/\\([^/{}])/g, "$1");
};

// node_modules/minimatch/dist/esm/index.js
var DEFAULT_BRACE_EXPAND_MAX = 1e5;
var DEFAULT_GLOB_STAR_RECURSION_MAX = 200;
var AWE_KEY = "allowWindowsEscape";
var minimatch = (p, pattern, options) => {
  assertValidPattern(pattern);
  if (!options?.nocomment && pattern.charAt(0) === "#") {
    return false;
  }
  return cachedMinimatch(pattern, options).match(p);
};
var cache = /* @__PURE__ */ new Map();
var oldCache = /* @__PURE__ */ new Map();
var cacheSize = 0;
var cacheTotalWeight = 0;
var cacheMax = 256;
var cacheMaxWeight = 1 << 15;
var cacheMaxEntryWeight = 1 << 12;
var cacheWeight = (mm) => {
  let w = mm.pattern.length;
  for (const s of mm.globSet) {
    w += s.length + 1;
    if (w > cacheMaxEntryWeight)
      break;
  }
  return w;
};
var tri = (v) => v === void 0 ? 0 : v ? 2 : 1;
var booleanWeights = new Map(Object.keys({
  nobrace: 0,
  nocomment: 0,
  nonegate: 0,
  noglobstar: 0,
  noext: 0,
  nonull: 0,
  partial: 0,
  dot: 0,
  nocase: 0,
  nocaseMagicOnly: 0,
  magicalBraces: 0,
  matchBase: 0,
  flipNegate: 0,
  preserveMultipleSlashes: 0,
  windowsNoMagicRoot: 0
}).map((k, i) => [k, 24 * 3 ** i]));
var optionsKey = (o) => {
  let n = 0;
  let wpe = false;
  for (const k in o) {
    const v = o[k];
    switch (k) {
      // the same test as the Minimatch constructor
      case "windowsPathsNoEscape":
        if (v)
          wpe = true;
        break;
      case AWE_KEY:
        if (v === false)
          wpe = true;
        break;
      case "platform": {
        const p = v || defaultPlatform;
        if (p === defaultPlatform)
          break;
        if (p === "darwin")
          n += 3;
        else if (p === "win32")
          n += 6;
        else if (p === "linux")
          n += 9;
        else
          return JSON.stringify(o);
        break;
      }
      case "optimizationLevel":
        if (v === void 0)
          break;
        n += v >= 2 ? 1 : v >= 1 ? 0 : 2;
        break;
      case "braceExpandMax":
        if (v !== void 0 && v !== DEFAULT_BRACE_EXPAND_MAX) {
          return JSON.stringify(o);
        }
        break;
      case "maxGlobstarRecursion":
        if (v !== void 0 && v !== DEFAULT_GLOB_STAR_RECURSION_MAX) {
          return JSON.stringify(o);
        }
        break;
      case "normalize":
        if (v !== void 0)
          return JSON.stringify(o);
        break;
      default:
        n += (booleanWeights.get(k) ?? 0) * tri(v);
    }
  }
  return wpe ? n + 12 : n;
};
var copyOptions = (o) => {
  const copy = {};
  for (const k in o)
    copy[k] = o[k];
  return copy;
};
var cachedMinimatch = (pattern, options) => {
  const key = options ? optionsKey(options) : 0;
  let mm = cache.get(key)?.get(pattern);
  if (mm)
    return mm;
  mm = oldCache.get(key)?.get(pattern) ?? new Minimatch(pattern, copyOptions(options));
  const weight = cacheWeight(mm);
  if (weight > cacheMaxEntryWeight)
    return mm;
  if (cacheSize >= cacheMax || cacheTotalWeight + weight > cacheMaxWeight) {
    oldCache = cache;
    cache = /* @__PURE__ */ new Map();
    cacheSize = 0;
    cacheTotalWeight = 0;
  }
  let byPattern = cache.get(key);
  if (!byPattern)
    cache.set(key, byPattern = /* @__PURE__ */ new Map());
  byPattern.set(pattern, mm);
  cacheSize++;
  cacheTotalWeight += weight;
  return mm;
};
var defaultPlatform = typeof process === "object" && process ? process.env?.__MINIMATCH_TESTING_PLATFORM__ || process.platform : "posix";
var path = {
  win32: { sep: "\\" },
  posix: { sep: "/" }
};
var sep2 = defaultPlatform === "win32" ? path.win32.sep : path.posix.sep;
minimatch.sep = sep2;
var GLOBSTAR = /* @__PURE__ */ Symbol("globstar **");
minimatch.GLOBSTAR = GLOBSTAR;
var filter = (pattern, options) => {
  let mm;
  return (p) => (mm ??= cachedMinimatch(pattern, options)).match(p);
};
minimatch.filter = filter;
var ext = (a, b = {}) => Object.assign({}, a, b);
var defaults = (def) => {
  if (!def || typeof def !== "object" || !Object.keys(def).length) {
    return minimatch;
  }
  const orig = minimatch;
  const m = (p, pattern, options = {}) => orig(p, pattern, ext(def, options));
  return Object.assign(m, {
    Minimatch: class Minimatch extends orig.Minimatch {
      constructor(pattern, options = {}) {
        super(pattern, ext(def, options));
      }
      static defaults(options) {
        return orig.defaults(ext(def, options)).Minimatch;
      }
    },
    unescape: (s, options = {}) => orig.unescape(s, ext(def, options)),
    escape: (s, options = {}) => orig.escape(s, ext(def, options)),
    filter: (pattern, options = {}) => orig.filter(pattern, ext(def, options)),
    defaults: (options) => orig.defaults(ext(def, options)),
    braceExpand: (pattern, options = {}) => orig.braceExpand(pattern, ext(def, options)),
    match: (list, pattern, options = {}) => orig.match(list, pattern, ext(def, options)),
    sep: orig.sep,
    GLOBSTAR
  });
};
minimatch.defaults = defaults;
var braceExpand = (pattern, options = {}) => {
  assertValidPattern(pattern);
  if (options.nobrace || !/\{(?:(?!\{).)*\}/.test(pattern)) {
    return [pattern];
  }
  let p = pattern.replace(/\\\\/g, "\\\\\\\\");
  if (options.windowsPathsNoEscape || options[AWE_KEY] === false) {
    p = p.replace(/\[([{}])\]/g, "[\\$1]");
  }
  return expand(p, { max: options.braceExpandMax });
};
minimatch.braceExpand = braceExpand;
var RANGE_MIN = 100;
var rangeRe = /(?<![\\$])\{(-?\d+)\.\.(-?\d+)\}/g;
var inRepeatOrNegExt = (portion, mark) => {
  const stack = [];
  for (let i = 0; i < portion.length; i++) {
    const c = portion.charAt(i);
    if (c === "\\") {
      i++;
    } else if (c === mark) {
      if (stack.some((t) => t !== "@" && t !== "?"))
        return true;
    } else if (portion.charAt(i + 1) === "(" && "!?+*@".includes(c)) {
      stack.push(c);
      i++;
    } else if (c === ")") {
      stack.pop();
    }
  }
  return false;
};
var match = (list, pattern, options = {}) => {
  const mm = new Minimatch(pattern, options);
  list = list.filter((f) => mm.match(f));
  if (mm.options.nonull && !list.length) {
    list.push(pattern);
  }
  return list;
};
minimatch.match = match;
var globMagic = /[?*]|[+@!]\(.*?\)|\[|\]/;
var classEnd = (pattern, start) => {
  let i = start + 1;
  if (pattern.charAt(i) === "!" || pattern.charAt(i) === "^")
    i++;
  let sawStart = false;
  for (; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "]" && sawStart)
      return i;
    sawStart = true;
    if (c === "\\")
      i++;
  }
  return -1;
};
var literal = (pattern, noext) => {
  if (!noext && (pattern === "+()" || pattern === "@()"))
    return pattern;
  let lit2 = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "\\") {
      lit2 += pattern.charAt(++i) || c;
    } else if (c === "*" || c === "?") {
      return void 0;
    } else if (c === "[") {
      const close2 = classEnd(pattern, i);
      if (close2 === -1) {
        lit2 += c;
        continue;
      }
      let body = pattern.slice(i + 1, close2);
      if (body.startsWith("\\"))
        body = body.slice(1);
      if ([...body].length !== 1 || "!^".includes(pattern.charAt(i + 1))) {
        return void 0;
      }
      lit2 += body;
      i = close2;
    } else if (!noext && "+@!".includes(c) && pattern.charAt(i + 1) === "(" && pattern.includes(")", i + 2)) {
      return void 0;
    } else {
      lit2 += c;
    }
  }
  return lit2;
};
var MAX_EXTGLOBS = 256;
var extglobCount = (pattern) => {
  let n = 0;
  for (let i = 0; i < pattern.length - 1; i++) {
    const c = pattern.charAt(i);
    if (c === "\\") {
      i++;
    } else if ("+@!?*".includes(c) && pattern.charAt(i + 1) === "(") {
      n++;
      i++;
    }
  }
  return n;
};
var assertValidExtglobs = (pattern) => {
  if (extglobCount(pattern) > MAX_EXTGLOBS) {
    throw new TypeError("pattern has too many extglobs");
  }
};
var extSafe = (pattern) => {
  if (/^[?*+@]\(\)$/.test(pattern) || pattern.includes("[:"))
    return false;
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "\\") {
      if (++i === pattern.length)
        return false;
    } else if (c === "[") {
      const close2 = classEnd(pattern, i);
      if (close2 !== -1)
        i = close2;
    } else if ("+@!?*".includes(c) && pattern.charAt(i + 1) === "(") {
      depth++;
      i++;
    } else if (c === ")") {
      if (!depth--)
        return false;
    } else if (c === "|" && !depth) {
      return false;
    }
  }
  return !depth;
};
var lastSplit;
var lastChecked;
var portionMatch = (p, f) => typeof p === "string" ? f === p : f !== "" && p.testUnchecked(f);
var endIndex = (p, last, lastStart, prev, prevStart) => portionMatch(p, last) ? lastStart : prev !== void 0 && portionMatch(p, prev) ? prevStart : -1;
var isDots = (p) => p === "." || p === "..";
var isDrive = (p) => typeof p === "string" && /^[a-z]:$/i.test(p);
var isLongUNC = (p) => typeof p === "string" && /^unc$/i.test(p);
var uncHost = (p) => {
  if (p[0] !== "" || p[1] !== "")
    return -1;
  const h = p[2] !== "?" ? 2 : isLongUNC(p[3]) ? 4 : -1;
  const host = p[h];
  const share = p[h + 1];
  return h !== -1 && host !== void 0 && host !== "" && host !== GLOBSTAR && share !== void 0 && share !== "" && share !== GLOBSTAR ? h : -1;
};
var walkable = (p, dot) => !isDots(p) && (dot || !p.startsWith("."));
var dotPortion = (f, start, end, dot, sep3) => {
  for (let k = start; k < end; ) {
    if (f.charCodeAt(k) === 46) {
      if (!dot)
        return true;
      const n = f.charCodeAt(k + 1) === 46 ? k + 2 : k + 1;
      if (n >= end || isSep(f.charCodeAt(n), sep3))
        return true;
    }
    const s = nextSep(f, k, sep3);
    if (s === -1)
      return false;
    k = s + 1;
    while (k < end && isSep(f.charCodeAt(k), sep3))
      k++;
  }
  return false;
};
var isSep = (c, sep3) => sep3 === "/" ? c === 47 : sep3 === "\\" ? c === 92 : c === 47 || c === 92;
var nextSep = (f, from, sep3) => {
  if (sep3 !== "both")
    return f.indexOf(sep3, from);
  const s = f.indexOf("/", from);
  const b = f.indexOf("\\", from);
  return s === -1 ? b : b === -1 ? s : Math.min(s, b);
};
var lastSep = (f, from, sep3) => sep3 !== "both" ? f.lastIndexOf(sep3, from) : Math.max(f.lastIndexOf("/", from), f.lastIndexOf("\\", from));
var PENDING = {};
var Minimatch = class {
  options;
  set;
  pattern;
  windowsPathsNoEscape;
  nonegate;
  negate;
  comment;
  empty;
  preserveMultipleSlashes;
  partial;
  globSet;
  globParts;
  nocase;
  isWindows;
  platform;
  windowsNoMagicRoot;
  maxGlobstarRecursion;
  // the path can be checked against the last portion, and the string
  // portions, of each row before it is split. See #canMatch.
  #endCheck;
  #literalCheck;
  // level 2 resolves `.` and `..` portions in the path
  #level2;
  // the unicode normalization form, if any
  #form;
  // the string portions of each row in the set
  #literals = [];
  // the rows that #canMatch can match without splitting the path
  #shapes = [];
  // the rows whose last portion can be checked against the path's
  #endRows = [];
  // brace expansion can make the same portion in many rows, so they
  // share one Matcher, and the states that it caches
  #matchers = /* @__PURE__ */ new Map();
  // parse() returns PENDING in place of a Matcher
  #pending = false;
  // the char that marks numeric ranges in globSet, if any
  #rangeMark;
  // the GlobstarParts of each pattern row, by start index and partial
  #globstarParts = /* @__PURE__ */ new WeakMap();
  constructor(pattern, options = {}) {
    assertValidPattern(pattern);
    options = options || {};
    this.options = options;
    this.maxGlobstarRecursion = options.maxGlobstarRecursion ?? DEFAULT_GLOB_STAR_RECURSION_MAX;
    this.pattern = pattern;
    this.platform = options.platform || defaultPlatform;
    this.isWindows = this.platform === "win32";
    this.windowsPathsNoEscape = !!options.windowsPathsNoEscape || options[AWE_KEY] === false;
    if (this.windowsPathsNoEscape) {
      this.pattern = this.pattern.replace(/\\/g, "/");
    }
    this.preserveMultipleSlashes = !!options.preserveMultipleSlashes;
    this.negate = false;
    this.nonegate = !!options.nonegate;
    this.comment = false;
    this.empty = false;
    this.partial = !!options.partial;
    this.nocase = !!this.options.nocase;
    this.windowsNoMagicRoot = options.windowsNoMagicRoot !== void 0 ? options.windowsNoMagicRoot : !!(this.isWindows && this.nocase);
    this.globSet = [];
    this.globParts = [];
    this.set = [];
    this.#endCheck = !this.preserveMultipleSlashes;
    this.#level2 = (options.optimizationLevel ?? 1) >= 2;
    const n = options.normalize;
    this.#form = n === true ? "NFC" : n || void 0;
    this.make();
    const drives = this.set.map((row) => this.#rootIndex(row));
    this.#endRows = this.set.map((row, r) => this.#endCheck && row.length - 1 > drives[r]);
    this.#literals = this.set.map((row, r) => {
      const end = this.#endRows[r] ? row.length - 1 : row.length;
      const lits = row.slice(drives[r] + 1, end).filter((p) => typeof p === "string" && !!p);
      return [...new Set(lits)];
    });
    this.#literalCheck = this.#literals.some((l) => l.length);
    this.#shapes = this.set.map((row, r) => {
      const [p0, p1, p2] = row;
      if (this.#endRows[r] && row.length === 2) {
        if (p0 === GLOBSTAR && p1 !== GLOBSTAR)
          return "tail";
      }
      if (this.#endRows[r] && options.matchBase && row.length === 1 && p0 !== GLOBSTAR && p0 !== "") {
        return "base";
      }
      if (!this.#endCheck || drives[r] !== -1)
        return void 0;
      if (row.length === 3 && p0 === GLOBSTAR && p2 === GLOBSTAR && p1 !== GLOBSTAR && p1 !== "" && // the portion between is only matched below this limit
      this.maxGlobstarRecursion > 0) {
        return "mid";
      }
      if (row.length === 2 && p1 === GLOBSTAR && p0 !== GLOBSTAR && p0 !== "") {
        return "head";
      }
      return void 0;
    });
  }
  // a string portion of a pattern, normalized if the option is set
  #norm(p) {
    return this.#form ? p.normalize(this.#form) : p;
  }
  // On Windows, the index of the last root portion of a row, as
  // #matchRow finds it: 0 for `c:/...`, 3 for `//?/c:/...` and
  // `//host/share/...`, and 5 for `//?/UNC/host/share/...`. Otherwise
  // -1.
  #rootIndex(row) {
    if (!this.isWindows)
      return -1;
    if (isDrive(row[0]))
      return 0;
    const uncDrive = row[0] === "" && row[1] === "" && row[2] === "?" && isDrive(row[3]);
    if (uncDrive)
      return 3;
    const h = uncHost(row);
    return h === -1 ? -1 : h + 1;
  }
  hasMagic() {
    if (this.options.magicalBraces && this.set.length > 1) {
      return true;
    }
    for (const pattern of this.set) {
      for (const part of pattern) {
        if (typeof part !== "string")
          return true;
      }
    }
    return false;
  }
  make() {
    const pattern = this.pattern;
    const options = this.options;
    if (!options.nocomment && pattern.charAt(0) === "#") {
      this.comment = true;
      return;
    }
    if (!pattern) {
      this.empty = true;
      return;
    }
    this.parseNegate();
    this.globSet = [...new Set(this.#expandBraces())];
    const rawGlobParts = this.globSet.map((s) => this.#slashSplit(s));
    this.globParts = this.preprocess(rawGlobParts);
    this.#pending = true;
    let set = this.globParts.map((s, _, __) => {
      if (this.isWindows && this.windowsNoMagicRoot) {
        const n = s[2] === "?" && isLongUNC(s[3]) ? 6 : 4;
        const isUNC = s[0] === "" && s[1] === "" && (s[2] === "?" || !globMagic.test(s[2])) && s.slice(3, n).every((p) => !globMagic.test(p));
        const isDrive2 = /^[a-z]:/i.test(s[0]);
        if (isUNC) {
          return [
            ...s.slice(0, n).map((p) => this.#norm(p)),
            ...s.slice(n).map((ss) => this.parse(ss))
          ];
        } else if (isDrive2) {
          return [
            this.#norm(s[0]),
            ...s.slice(1).map((ss) => this.parse(ss))
          ];
        }
      }
      return s.map((ss) => this.parse(ss));
    });
    this.set = set.filter((s) => s.indexOf(false) === -1);
    if (this.isWindows) {
      for (let i = 0; i < this.set.length; i++) {
        const p = this.set[i];
        if (p[0] === "" && p[1] === "" && this.globParts[i][2] === "?" && (isDrive(p[3]) || isLongUNC(this.globParts[i][3]))) {
          if (isLongUNC(this.globParts[i][3]))
            p[3] = "UNC";
          p[2] = "?";
        }
      }
    }
    if (!options.noext)
      this.mergeRows();
    this.#pending = false;
    this.set.forEach((row, i) => {
      for (let k = 0; k < row.length; k++) {
        if (row[k] === PENDING) {
          row[k] = this.parse(this.globParts[i][k]);
        }
      }
    });
  }
  // Merge rows that only differ in one portion, where each of them
  // is a Matcher, into one row that matches any of them with
  // `@(a|b|...)`. Then a path is only walked once for all of them,
  // for example with `**/*.{js,ts}`.
  mergeRows() {
    let merged = true;
    while (merged) {
      merged = false;
      if (this.set.length < 2)
        return;
      let keys = this.#mergeKeys();
      const len = Math.max(0, ...this.set.map((r) => r.length));
      for (let k = 0; k < len; k++) {
        const groups = /* @__PURE__ */ new Map();
        const R = this.set.length + 1;
        this.set.forEach((row, i) => {
          if (!(row[k] instanceof Matcher || row[k] === PENDING) || !extSafe(this.globParts[i][k])) {
            return;
          }
          const { pre, suf } = keys[i];
          const key = pre[k] * R + suf[k + 1];
          const g = groups.get(key);
          if (g)
            g.push(i);
          else
            groups.set(key, [i]);
        });
        const drop = /* @__PURE__ */ new Set();
        for (const g of groups.values()) {
          if (g.length < 2)
            continue;
          const [first, ...rest] = g;
          const alts = g.map((i) => this.globParts[i][k]);
          const glob = `@(${alts.join("|")})`;
          if (extglobCount(glob) > MAX_EXTGLOBS)
            continue;
          this.globParts[first][k] = glob;
          this.set[first][k] = this.parse(glob);
          for (const i of rest)
            drop.add(i);
        }
        if (drop.size) {
          merged = true;
          this.set = this.set.filter((_, i) => !drop.has(i));
          this.globParts = this.globParts.filter((_, i) => !drop.has(i));
          if (this.set.length < 2)
            return;
          keys = this.#mergeKeys();
        }
      }
    }
  }
  // For each row, number ids for its prefixes and suffixes, such that
  // pre[k] identifies parts[0..k) and suf[k] identifies parts[k..n).
  // Two rows are the same other than at portion k exactly when they
  // have the same pre[k] and suf[k + 1]. This is linear in the size of
  // the rows, where joining the whole row for every k was quadratic.
  #mergeKeys() {
    const partIds = /* @__PURE__ */ new Map();
    const ids = this.globParts.map((parts) => parts.map((s) => {
      let id = partIds.get(s);
      if (id === void 0)
        partIds.set(s, id = partIds.size);
      return id;
    }));
    const P = partIds.size;
    const len = Math.max(0, ...ids.map((r) => r.length));
    const keys = ids.map((r) => ({
      pre: [0],
      suf: new Array(r.length + 1).fill(0)
    }));
    for (let k = 0; k < len; k++) {
      const m = /* @__PURE__ */ new Map();
      ids.forEach((r, i) => {
        if (k >= r.length)
          return;
        const { pre } = keys[i];
        const key = pre[k] * P + r[k];
        let id = m.get(key);
        if (id === void 0)
          m.set(key, id = m.size + 1);
        pre.push(id);
      });
    }
    for (let k = len - 1; k >= 0; k--) {
      const m = /* @__PURE__ */ new Map();
      ids.forEach((r, i) => {
        if (k >= r.length)
          return;
        const { suf } = keys[i];
        const key = suf[k + 1] * P + r[k];
        let id = m.get(key);
        if (id === void 0)
          m.set(key, id = m.size + 1);
        suf[k] = id;
      });
    }
    return keys;
  }
  // various transforms to equivalent pattern sets that are
  // faster to process in a filesystem walk.  The goal is to
  // eliminate what we can, and push all ** patterns as far
  // to the right as possible, even if it increases the number
  // of patterns that we have to process.
  preprocess(globParts) {
    if (this.options.noglobstar) {
      for (const partset of globParts) {
        for (let j = 0; j < partset.length; j++) {
          if (partset[j] === "**") {
            partset[j] = "*";
          }
        }
      }
    }
    const { optimizationLevel = 1 } = this.options;
    if (optimizationLevel >= 2) {
      globParts = this.firstPhasePreProcess(globParts);
      globParts = this.secondPhasePreProcess(globParts);
    } else if (optimizationLevel >= 1) {
      globParts = this.levelOneOptimize(globParts);
    } else {
      globParts = this.adjascentGlobstarOptimize(globParts);
    }
    return globParts;
  }
  // just get rid of adjascent ** portions
  adjascentGlobstarOptimize(globParts) {
    return globParts.map((parts) => {
      let gs = -1;
      while (-1 !== (gs = parts.indexOf("**", gs + 1))) {
        let i = gs;
        while (parts[i + 1] === "**") {
          i++;
        }
        if (i !== gs) {
          parts.splice(gs, i - gs);
        }
      }
      return parts;
    });
  }
  // get rid of adjascent ** and resolve .. portions
  levelOneOptimize(globParts) {
    return globParts.map((parts) => {
      const root = this.#rootIndex(parts) + 1;
      parts = parts.reduce((set, part) => {
        const prev = set[set.length - 1];
        if (part === "**" && prev === "**") {
          return set;
        }
        if (part === "..") {
          if (set.length > root && prev && prev !== ".." && prev !== "." && prev !== "**") {
            set.pop();
            return set;
          }
        }
        set.push(part);
        return set;
      }, []);
      return parts.length === 0 ? [""] : parts;
    });
  }
  // Check the path against each row before it is split. 'no' if no
  // row can match, so it does not need to be split. 'yes' if a row of
  // `**` and one more portion matches. 'maybe' if it must be split to
  // know. None of this applies with partial, where the path can end
  // before the row does.
  //
  // On Windows, `\` is a separator in the path too, and the portions of
  // a row up to its drive letter or UNC share are not checked (see
  // #rootIndex).
  //
  // Each string portion of a row must be a portion of the path, so the
  // path must contain it. Level 2 can only take portions out of the
  // path, so this is still true then.
  //
  // The last portion of a row must match the last portion of the path,
  // or the one before a trailing `/` (as a/* and a/**/* match a/b/).
  // This does not apply to rows that end in **, rows that end in a
  // root, or preserveMultipleSlashes (which can leave more
  // than one '' at the end). At level 2, it does not apply if that
  // portion is `.` or `..`, which can be
  // resolved away. Level 2 only takes other portions out of the
  // middle of the path.
  //
  // A row of `**/x` then matches if the ** can walk the portions
  // before the one that x matches, the same as #matchGlobstar. At
  // level 2, this is only known if none of them are `.` or `..`, so
  // that the path does not change when it is resolved.
  #canMatch(f) {
    const sep3 = !this.isWindows || !f.includes("\\") ? "/" : f.includes("/") ? "both" : "\\";
    let ends = this.#endCheck ? 0 : -1;
    let last = "";
    let lastStart = 0;
    let prev;
    let prevStart = 0;
    const dot = !!this.options.dot;
    ROWS: for (let r = 0; r < this.set.length; r++) {
      const row = this.set[r];
      const p = row[row.length - 1];
      let end = ends !== -1 && this.#endRows[r] && p !== GLOBSTAR;
      if (end && ends === 0) {
        const i = lastSep(f, f.length, sep3);
        lastStart = i + 1;
        last = f.slice(lastStart);
        if (last === "" && i >= 0) {
          let j = i;
          while (j > 0 && isSep(f.charCodeAt(j - 1), sep3))
            j--;
          prevStart = j === 0 ? 0 : lastSep(f, j - 1, sep3) + 1;
          prev = f.slice(prevStart, j);
        }
        const resolves = this.#level2 && (isDots(last) || last === "" && prev !== void 0 && isDots(prev));
        ends = resolves ? -1 : 1;
        end = !resolves;
      }
      let tailStart = -1;
      if (end && typeof p === "string") {
        tailStart = endIndex(p, last, lastStart, prev, prevStart);
        if (tailStart === -1)
          continue;
      }
      if (this.#literalCheck) {
        for (const l of this.#literals[r]) {
          if (!f.includes(l))
            continue ROWS;
        }
      }
      if (end && typeof p === "object") {
        tailStart = endIndex(p, last, lastStart, prev, prevStart);
        if (tailStart === -1)
          continue;
      }
      const shape = this.#shapes[r];
      if (shape === "base" && end)
        return "yes";
      if (shape === "tail" && end) {
        if (this.#level2 && dotPortion(f, 0, tailStart, true, sep3)) {
          return "maybe";
        }
        if (!dotPortion(f, 0, tailStart, dot, sep3))
          return "yes";
        continue;
      }
      if (shape === "mid" || shape === "head") {
        const m = this.#walk(f, row, shape === "head", dot, sep3);
        if (m !== "no")
          return m;
        continue;
      }
      return "maybe";
    }
    return "no";
  }
  // Match a row of a known shape against the split path, the same as
  // #matchGlobstar and #matchGlobStarBodySections do. None of these
  // rows have a drive letter, so they start at the first portion.
  #matchShape(file, row, shape) {
    const dot = !!this.options.dot;
    const n = file.length;
    if (shape === "head") {
      if (n < 2 || !portionMatch(row[0], file[0])) {
        return false;
      }
      for (let i = 1; i < n; i++)
        if (!walkable(file[i], dot))
          return false;
      return true;
    }
    const x = row[1];
    if (shape === "tail") {
      let t = n - 1;
      if (!portionMatch(x, file[t])) {
        if (file[t] !== "" || n === 1 || !portionMatch(x, file[--t])) {
          return false;
        }
      }
      for (let i = 0; i < t; i++)
        if (!walkable(file[i], dot))
          return false;
      return true;
    }
    for (let k = 0; k < n; k++) {
      if (portionMatch(x, file[k]) && k + 1 < n) {
        let i = k + 1;
        while (i < n && walkable(file[i], dot))
          i++;
        if (i === n)
          return true;
      }
      if (!walkable(file[k], dot))
        return false;
    }
    return false;
  }
  // Match a row of `**/x/**` or `x/**` against the path, the same as
  // #matchGlobstar and #matchGlobStarBodySections do once it is split.
  // x must match a portion (the first one, for `x/**`), the ** before
  // it must be able to walk the portions before that one, and there
  // must be a portion after it, which the ** after it can walk. At
  // level 2, this is only known if no portion is `.` or `..`.
  #walk(f, row, head, dot, sep3) {
    if (this.#level2 && dotPortion(f, 0, f.length, true, sep3))
      return "maybe";
    const x = row[head ? 0 : 1];
    let s = 0;
    for (let e = nextSep(f, s, sep3); e !== -1; e = nextSep(f, s, sep3)) {
      let next = e + 1;
      while (next < f.length && isSep(f.charCodeAt(next), sep3))
        next++;
      const hit = typeof x === "string" ? e - s === x.length && f.startsWith(x, s) : e > s && x.testUnchecked(f.slice(s, e));
      if (hit && !dotPortion(f, next, f.length, dot, sep3))
        return "yes";
      if (head || dotPortion(f, s, next, dot, sep3))
        return "no";
      s = next;
    }
    return "no";
  }
  // the last split, if it was the same path with the same split
  // settings
  #cachedSplit(f) {
    const last = lastSplit;
    return last?.f === f && last.isWindows === this.isWindows && last.preserveMultipleSlashes === this.preserveMultipleSlashes && last.normalize === this.#form ? last : void 0;
  }
  // split a path for match(), and keep the parts for the next call
  #split(f) {
    const { isWindows, preserveMultipleSlashes } = this;
    let parts = this.#slashSplit(isWindows ? f.split("\\").join("/") : f);
    const normalize2 = this.#form;
    if (normalize2)
      parts = parts.map((p) => p.normalize(normalize2));
    lastSplit = {
      f,
      isWindows,
      preserveMultipleSlashes,
      normalize: normalize2,
      parts
    };
    return lastSplit;
  }
  // resolve `.` and `..` portions of a path, for level 2
  #levelTwoFileOptimize(file) {
    const parts = [...file];
    let didSomething = false;
    do {
      didSomething = false;
      if (!this.preserveMultipleSlashes) {
        for (let i = 1; i < parts.length - 1; i++) {
          const p = parts[i];
          if (i === 1 && p === "" && parts[0] === "")
            continue;
          if (p === "." || p === "") {
            didSomething = true;
            parts.splice(i, 1);
            i--;
          }
        }
        if (parts[0] === "." && parts.length === 2 && (parts[1] === "." || parts[1] === "")) {
          didSomething = true;
          parts.pop();
        }
      }
      const root = this.#rootIndex(parts) + 1;
      let dd = root;
      while (-1 !== (dd = parts.indexOf("..", dd + 1))) {
        const p = parts[dd - 1];
        if (p && p !== "." && p !== ".." && p !== "**") {
          didSomething = true;
          parts.splice(dd - 1, 2);
          dd = Math.max(dd - 2, root);
        }
      }
    } while (didSomething);
    return parts.length === 0 ? [""] : parts;
  }
  // First phase: single-pattern processing
  // <pre> is 1 or more portions
  // <rest> is 1 or more portions
  // <p> is any portion other than ., .., '', or **
  // <e> is . or ''
  //
  // **/.. is *brutal* for filesystem walking performance, because
  // it effectively resets the recursive walk each time it occurs,
  // and ** cannot be reduced out by a .. pattern part like a regexp
  // or most strings (other than .., ., and '') can be.
  //
  // <pre>/**/../<p>/<p>/<rest> -> {<pre>/../<p>/<p>/<rest>,<pre>/**/<p>/<p>/<rest>}
  // <pre>/<e>/<rest> -> <pre>/<rest>
  // <pre>/<p>/../<rest> -> <pre>/<rest>
  // **/**/<rest> -> **/<rest>
  //
  // **/*/<rest> -> */**/<rest> <== not valid because ** doesn't follow
  // this WOULD be allowed if ** did follow symlinks, or * didn't
  firstPhasePreProcess(globParts) {
    const { braceExpandMax = DEFAULT_BRACE_EXPAND_MAX } = this.options;
    let splitCells = 0;
    const maxSplitCells = 1e6;
    let didSomething = false;
    do {
      didSomething = false;
      for (let parts of globParts) {
        let gs = -1;
        while (-1 !== (gs = parts.indexOf("**", gs + 1))) {
          let gss = gs;
          while (parts[gss + 1] === "**") {
            gss++;
          }
          if (gss > gs) {
            parts.splice(gs + 1, gss - gs);
          }
          let next = parts[gs + 1];
          const p = parts[gs + 2];
          const p2 = parts[gs + 3];
          if (next !== "..")
            continue;
          if (!p || p === "." || p === ".." || !p2 || p2 === "." || p2 === "..") {
            continue;
          }
          const addedCells = parts.length - 1;
          if (globParts.length >= braceExpandMax || splitCells + addedCells > maxSplitCells) {
            throw new RangeError(`optimizationLevel 2: too many patterns from '**/..'`);
          }
          didSomething = true;
          parts.splice(gs, 1);
          const other2 = parts.slice(0);
          other2[gs] = "**";
          splitCells += addedCells;
          globParts.push(other2);
          gs--;
        }
        if (!this.preserveMultipleSlashes) {
          for (let i = 1; i < parts.length - 1; i++) {
            const p = parts[i];
            if (i === 1 && p === "" && parts[0] === "")
              continue;
            if (p === "." || p === "") {
              didSomething = true;
              parts.splice(i, 1);
              i--;
            }
          }
          if (parts[0] === "." && parts.length === 2 && (parts[1] === "." || parts[1] === "")) {
            didSomething = true;
            parts.pop();
          }
        }
        const root = this.#rootIndex(parts) + 1;
        let dd = root;
        while (-1 !== (dd = parts.indexOf("..", dd + 1))) {
          const p = parts[dd - 1];
          if (p && p !== "." && p !== ".." && p !== "**") {
            didSomething = true;
            const needDot = dd === 1 && parts[dd + 1] === "**";
            const splin = needDot ? ["."] : [];
            parts.splice(dd - 1, 2, ...splin);
            if (parts.length === 0)
              parts.push("");
            dd = Math.max(dd - 2, root);
          }
        }
      }
    } while (didSomething);
    return globParts;
  }
  // second phase: multi-pattern dedupes
  // {<pre>/<rest>,<pre>/<rest>} -> <pre>/<rest>
  // {<pre>/*/<rest>,<pre>/<p>/<rest>} -> <pre>/*/<rest>
  secondPhasePreProcess(globParts) {
    const keys = /* @__PURE__ */ new Set();
    const rows = globParts.filter((parts) => {
      const key = parts.join("/");
      if (keys.has(key))
        return false;
      keys.add(key);
      return true;
    });
    const stars = /* @__PURE__ */ new Map();
    for (const parts of rows) {
      const s = [];
      for (let i = 0; i < parts.length; i++) {
        if (parts[i] === "*")
          s.push(i);
      }
      if (s.length)
        stars.set(s.join(","), s);
    }
    if (!stars.size || rows.length * stars.size > 1e5)
      return rows;
    const { dot } = this.options;
    return rows.filter((parts) => {
      for (const s of stars.values()) {
        if (s[s.length - 1] >= parts.length)
          continue;
        const c = [...parts];
        let ok = true;
        let changed = false;
        for (const i of s) {
          const p = parts[i];
          if (p === "*")
            continue;
          if (!p || p === "**" || !dot && p.startsWith(".")) {
            ok = false;
            break;
          }
          c[i] = "*";
          changed = true;
        }
        if (ok && changed && keys.has(c.join("/")))
          return false;
      }
      return true;
    });
  }
  parseNegate() {
    if (this.nonegate)
      return;
    const pattern = this.pattern;
    let negate = false;
    let negateOffset = 0;
    for (let i = 0; i < pattern.length && pattern.charAt(i) === "!"; i++) {
      negate = !negate;
      negateOffset++;
    }
    if (negateOffset)
      this.pattern = pattern.slice(negateOffset);
    this.negate = negate;
  }
  // Match the parts of a path against one row of the set. `resolved`
  // is the parts after level 2 resolves `.` and `..` in them, or the
  // same parts below level 2. Set partial to true to test if, for
  // example, "/a/b" matches the start of "/*/b/*/d". Partial means, if
  // you run out of file before you run out of pattern, then that's
  // fine, as long as all the parts match.
  #matchRow(file, resolved, pattern, partial) {
    let fileStartIndex = 0;
    let patternStartIndex = 0;
    const fh = this.isWindows ? uncHost(resolved) : -1;
    const ph = fh === -1 ? -1 : uncHost(pattern);
    if (ph !== -1) {
      const host = pattern[ph];
      const share = pattern[ph + 1];
      if (typeof host !== "string" || typeof share !== "string") {
        fileStartIndex = fh;
        patternStartIndex = ph;
      } else if (resolved[fh].toLowerCase() === host.toLowerCase() && resolved[fh + 1].toLowerCase() === share.toLowerCase()) {
        fileStartIndex = fh + 2;
        patternStartIndex = ph + 2;
      }
    } else if (this.isWindows) {
      const fileDrive = typeof file[0] === "string" && /^[a-z]:$/i.test(file[0]);
      const fileUNC = !fileDrive && file[0] === "" && file[1] === "" && file[2] === "?" && /^[a-z]:$/i.test(file[3]);
      const patternDrive = typeof pattern[0] === "string" && /^[a-z]:$/i.test(pattern[0]);
      const patternUNC = !patternDrive && pattern[0] === "" && pattern[1] === "" && pattern[2] === "?" && typeof pattern[3] === "string" && /^[a-z]:$/i.test(pattern[3]);
      const fdi = fileUNC ? 3 : fileDrive ? 0 : void 0;
      const pdi = patternUNC ? 3 : patternDrive ? 0 : void 0;
      if (typeof fdi === "number" && typeof pdi === "number") {
        const [fd, pd] = [
          file[fdi],
          pattern[pdi]
        ];
        if (fd.toLowerCase() === pd.toLowerCase()) {
          patternStartIndex = pdi + 1;
          fileStartIndex = fdi + 1;
        }
      }
    }
    file = resolved;
    if (pattern.includes(GLOBSTAR)) {
      return this.#matchGlobstar(file, pattern, partial, fileStartIndex, patternStartIndex);
    }
    return this.#matchOne(file, pattern, partial, fileStartIndex, patternStartIndex);
  }
  #matchGlobstar(file, pattern, partial, fileIndex, patternIndex) {
    const { head, body, tail, segments } = this.#getGlobstarParts(pattern, partial, patternIndex);
    if (head.length) {
      const headEnd = fileIndex + head.length;
      if (!this.#matchOne(file, head, partial, fileIndex, 0, headEnd)) {
        return false;
      }
      fileIndex += head.length;
      patternIndex += head.length;
    }
    let fileTailMatch = 0;
    if (tail.length) {
      if (tail.length + fileIndex > file.length)
        return false;
      let tailStart = file.length - tail.length;
      if (this.#matchOne(file, tail, partial, tailStart, 0)) {
        fileTailMatch = tail.length;
      } else {
        if (file[file.length - 1] !== "" || fileIndex + tail.length === file.length) {
          return false;
        }
        tailStart--;
        if (!this.#matchOne(file, tail, partial, tailStart, 0)) {
          return false;
        }
        fileTailMatch = tail.length + 1;
      }
    }
    if (!body.length) {
      let sawSome = !!fileTailMatch;
      for (let i = fileIndex; i < file.length - fileTailMatch; i++) {
        const f = String(file[i]);
        sawSome = true;
        if (f === "." || f === ".." || !this.options.dot && f.startsWith(".")) {
          return false;
        }
      }
      return partial || sawSome;
    }
    return !!this.#matchGlobStarBodySections(file, segments, file.length - fileTailMatch, fileIndex, 0, partial, 0, !!fileTailMatch, /* @__PURE__ */ new Set());
  }
  // Split the pattern into head, tail, and middle of ** delimited
  // parts. The tail has to be at the end, and the others just have to
  // be found in order from the head. These only depend on the pattern
  // row, so they are kept for the next path.
  #getGlobstarParts(pattern, partial, patternIndex) {
    let byStart = this.#globstarParts.get(pattern);
    if (!byStart) {
      byStart = [];
      this.#globstarParts.set(pattern, byStart);
    }
    const key = patternIndex * 2 + (partial ? 1 : 0);
    const found = byStart[key];
    if (found)
      return found;
    const firstgs = pattern.indexOf(GLOBSTAR, patternIndex);
    const lastgs = pattern.lastIndexOf(GLOBSTAR);
    const head = pattern.slice(patternIndex, firstgs);
    const body = pattern.slice(firstgs + 1, partial ? void 0 : lastgs);
    const tail = partial ? [] : pattern.slice(lastgs + 1);
    const segments = [[[], 0]];
    let current = segments[0];
    let nonGsParts = 0;
    const nonGsPartsSums = [0];
    for (const b of body) {
      if (b === GLOBSTAR) {
        nonGsPartsSums.push(nonGsParts);
        current = [[], 0];
        segments.push(current);
      } else {
        current[0].push(b);
        nonGsParts++;
      }
    }
    segments.forEach((b, i) => {
      b[1] = nonGsParts - nonGsPartsSums[i];
    });
    const parts = { head, body, tail, segments };
    byStart[key] = parts;
    return parts;
  }
  // return false for "nope, not matching"
  // return null for "not matching, cannot keep trying"
  #matchGlobStarBodySections(file, bodySegments, fileLength, fileIndex, bodyIndex, partial, globStarDepth, sawTail, tried) {
    const bs = bodySegments[bodyIndex];
    if (!bs) {
      if (partial) {
        return fileIndex >= fileLength || fileIndex === fileLength - 1 && file[fileIndex] === "";
      }
      for (let i = fileIndex; i < fileLength; i++) {
        sawTail = true;
        const f = file[i];
        if (f === "." || f === ".." || !this.options.dot && f.startsWith(".")) {
          return false;
        }
      }
      return sawTail;
    }
    const [body, need] = bs;
    const after = partial ? fileLength : fileLength - need;
    while (fileIndex <= after) {
      const key = bodyIndex * (file.length + 1) + fileIndex;
      if (tried.has(key))
        return false;
      tried.add(key);
      const m = this.#matchOne(file, body, partial, fileIndex, 0, fileIndex + body.length);
      if (m && globStarDepth < this.maxGlobstarRecursion) {
        const sub = this.#matchGlobStarBodySections(file, bodySegments, fileLength, fileIndex + body.length, bodyIndex + 1, partial, globStarDepth + 1, sawTail, tried);
        if (sub !== false) {
          return sub;
        }
      }
      if (fileIndex === after)
        break;
      const f = file[fileIndex];
      if (f === "." || f === ".." || !this.options.dot && f.startsWith(".")) {
        return false;
      }
      fileIndex++;
    }
    return partial || null;
  }
  #matchOne(file, pattern, partial, fileIndex, patternIndex, fileEnd = file.length) {
    let fi;
    let pi;
    let pl;
    let fl;
    for (fi = fileIndex, pi = patternIndex, fl = Math.min(fileEnd, file.length), pl = pattern.length; fi < fl && pi < pl; fi++, pi++) {
      let p = pattern[pi];
      let f = file[fi];
      if (p === false || p === GLOBSTAR) {
        return false;
      }
      if (!portionMatch(p, f))
        return false;
    }
    if (fi === fl && pi === pl) {
      return true;
    } else if (fi === fl) {
      return partial;
    } else if (pi === pl) {
      return fi === fl - 1 && file[fi] === "";
    } else {
      throw new Error("wtf?");
    }
  }
  braceExpand() {
    return braceExpand(this.pattern, this.options);
  }
  // Expand braces, except numeric ranges such as {0..999} with at
  // least RANGE_MIN values. Each of those stays in its pattern as
  // `<mark>0..999<mark>`, for the Matcher to test. If a range might
  // be inside a [...] class, expand all of them instead.
  #expandBraces() {
    const { pattern } = this;
    if (this.options.nobrace)
      return this.braceExpand();
    let code = 57344;
    while (pattern.includes(String.fromCharCode(code))) {
      if (++code > 63743)
        return this.braceExpand();
    }
    const mark = String.fromCharCode(code);
    let found = false;
    const marked = pattern.replace(rangeRe, (m, lo, hi) => {
      const a = Number(lo);
      const b = Number(hi);
      if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || Math.abs(a - b) + 1 < RANGE_MIN) {
        return m;
      }
      found = true;
      return `${mark}${lo}..${hi}${mark}`;
    });
    if (!found)
      return this.braceExpand();
    const set = braceExpand(marked, this.options);
    for (const p of set) {
      for (const portion of p.split("/")) {
        const c = portion.indexOf("[");
        if (c !== -1 && c < portion.lastIndexOf(mark)) {
          return this.braceExpand();
        }
        if (!this.options.noext && inRepeatOrNegExt(portion, mark)) {
          return this.braceExpand();
        }
      }
    }
    this.#rangeMark = mark;
    return set;
  }
  parse(pattern) {
    assertValidPattern(pattern);
    const options = this.options;
    if (pattern === "**")
      return GLOBSTAR;
    if (pattern === "")
      return "";
    const { nocase, nocaseMagicOnly, noext = false, dot, normalize: normalize2 } = options;
    const rangeMark = this.#rangeMark;
    const lit2 = rangeMark && pattern.includes(rangeMark) ? void 0 : literal(pattern, noext);
    if (lit2 !== void 0 && !(nocase && !nocaseMagicOnly && pattern.toUpperCase() !== pattern.toLowerCase())) {
      return this.#norm(lit2);
    }
    if (this.#pending)
      return PENDING;
    let m = this.#matchers.get(pattern);
    if (!m) {
      if (!noext)
        assertValidExtglobs(pattern);
      m = new Matcher(pattern, {
        nocase,
        noext,
        dot,
        normalize: normalize2,
        ...rangeMark && { rangeMark }
      });
      this.#matchers.set(pattern, m);
    }
    return m;
  }
  #slashSplit(p) {
    if (this.preserveMultipleSlashes) {
      return p.split("/");
    } else if (this.isWindows && /^\/\/[^/]+/.test(p)) {
      return ["", ...p.split(/\/+/)];
    } else {
      return p.split(/\/+/);
    }
  }
  match(f, partial = this.partial) {
    if (this.comment) {
      return false;
    }
    if (this.empty) {
      return f === "";
    }
    if (f === "/" && partial) {
      return true;
    }
    const options = this.options;
    let split = this.#cachedSplit(f);
    if (!split) {
      if (!partial && !this.#form && (this.#endCheck || this.#literalCheck) && lastChecked !== f) {
        lastChecked = f;
        const can = this.#canMatch(f);
        if (can === "no")
          return options.flipNegate ? false : this.negate;
        if (can === "yes")
          return options.flipNegate ? true : !this.negate;
      }
      split = this.#split(f);
    }
    const ff = split.parts;
    const resolved = this.#level2 ? split.resolved ??= this.#levelTwoFileOptimize(ff) : ff;
    const set = this.set;
    let filename = ff[ff.length - 1];
    if (!filename) {
      for (let i = ff.length - 2; !filename && i >= 0; i--) {
        filename = ff[i];
      }
    }
    for (let r = 0; r < set.length; r++) {
      const pattern = set[r];
      const shape = partial ? void 0 : this.#shapes[r];
      const hit = shape === "base" ? portionMatch(pattern[0], filename) : shape ? this.#matchShape(resolved, pattern, shape) : options.matchBase && pattern.length === 1 ? this.#matchRow([filename], [filename], pattern, partial) : this.#matchRow(ff, resolved, pattern, partial);
      if (hit) {
        if (options.flipNegate) {
          return true;
        }
        return !this.negate;
      }
    }
    if (options.flipNegate) {
      return false;
    }
    return this.negate;
  }
  static defaults(def) {
    return minimatch.defaults(def).Minimatch;
  }
};
minimatch.Minimatch = Minimatch;
minimatch.escape = escape;
minimatch.unescape = unescape;

// src/engine/globs.ts
var GLOB_LIMITS = {
  maxLength: 512,
  maxBraceAlternatives: 256,
  maxGlobstars: 4
};
var MM_OPTIONS = {
  dot: true,
  // One more than the limit, so an over-limit pattern is detected without expanding all of it.
  braceExpandMax: GLOB_LIMITS.maxBraceAlternatives + 1
};
var MEMO_LIMIT = 2e4;
function memoSet(memo, key, value) {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}
var isGlobMemo = /* @__PURE__ */ new Map();
var PLAIN_SUSPECT = /[*?[{(]|^[!#]/;
function isGlob(s) {
  if (!PLAIN_SUSPECT.test(s)) return false;
  const hit = isGlobMemo.get(s);
  if (hit !== void 0) return hit;
  let magic;
  if (s.startsWith("!") || s.startsWith("#")) return memoSet(isGlobMemo, s, true);
  try {
    magic = new Minimatch(s, { ...MM_OPTIONS, magicalBraces: true }).hasMagic();
  } catch {
    magic = true;
  }
  return memoSet(isGlobMemo, s, magic);
}
function segmentIsMagic(seg) {
  return seg.includes("{") || seg.includes("}") || isGlob(seg);
}
function literalPrefixOf(pattern, literal2) {
  if (literal2) return pattern;
  const segs = pattern.split("/");
  let prefix2 = "";
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i];
    if (segmentIsMagic(seg)) break;
    prefix2 += seg + "/";
  }
  return prefix2;
}
var compileMemo = /* @__PURE__ */ new Map();
function compileGlob(pattern) {
  return compileInternal(pattern);
}
function compileInternal(pattern) {
  const hit = compileMemo.get(pattern);
  if (hit) return hit;
  const literal2 = !pattern.includes("\\") && !isGlob(pattern);
  let compiled;
  if (literal2) {
    const test = (p) => p === pattern;
    compiled = { pattern, isLiteral: true, literalPrefix: pattern, test, testSplit: test };
  } else {
    let mm = null;
    try {
      mm = new Minimatch(pattern, MM_OPTIONS);
    } catch {
      mm = null;
    }
    const baseRows = mm ? rowsOf(pattern) : null;
    const rows = baseRows ? matchRowsOf(baseRows) : null;
    const m = mm;
    const testSplit = (p, segs) => {
      if (m === null || segs === null) return false;
      if (rows === null) return m.match(p);
      for (const row of rows) if (matchRow(row, segs)) return true;
      return false;
    };
    compiled = {
      pattern,
      isLiteral: false,
      literalPrefix: literalPrefixOf(pattern, false),
      test: (p) => testSplit(p, cleanSegments(p)),
      testSplit
    };
  }
  return memoSet(compileMemo, pattern, compiled);
}
function cleanSegments(path2) {
  const segs = path2.split("/");
  for (const s of segs) if (s === "" || s === "." || s === "..") return null;
  return segs;
}
function segMatches(seg, s) {
  if (seg.k === "lit") return seg.s === s;
  if (seg.k === "wild") return (seg.starOnly ?? seg.test)(s);
  return true;
}
function matchRowsOf(rows) {
  return rows.map(
    (row) => row.length > 0 && row[row.length - 1].k === "star2" ? [...row.slice(0, -1), ANY_SEGMENT, row[row.length - 1]] : row
  );
}
var ANY_SEGMENT = { k: "wild", test: () => true, starOnly: void 0, prefix: "", suffix: "" };
function matchRow(row, segs) {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < segs.length) {
    const tok = row[pi];
    if (tok?.k === "star2") {
      starP = pi++;
      starS = si;
      continue;
    }
    if (tok !== void 0 && segMatches(tok, segs[si])) {
      pi++;
      si++;
      continue;
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < row.length && row[pi].k === "star2") pi++;
  return pi === row.length;
}
function matchesGlob(path2, pattern) {
  return path2 === pattern || compileGlob(pattern).test(path2);
}
var NOT_PLAIN = /* @__PURE__ */ new Set(["*", "?", "[", "]", "(", ")", "|", "+", "@", "!", "{", "}", "\\"]);
function plainPrefix(src) {
  let i = 0;
  while (i < src.length && !NOT_PLAIN.has(src[i])) i++;
  return src.slice(0, i);
}
function plainSuffix(src) {
  let i = src.length;
  while (i > 0 && !NOT_PLAIN.has(src[i - 1])) i--;
  return src.slice(i);
}
var rowsMemo = /* @__PURE__ */ new Map();
function rowsOf(pattern) {
  if (rowsMemo.has(pattern)) return rowsMemo.get(pattern);
  let rows;
  try {
    const mm = new Minimatch(pattern, MM_OPTIONS);
    if (mm.negate || mm.comment) return memoSet(rowsMemo, pattern, null);
    rows = mm.set.map(
      (row) => row.map((part) => {
        if (typeof part === "string") return { k: "lit", s: part };
        if (typeof part === "symbol") return { k: "star2" };
        const src = part.pattern;
        return {
          k: "wild",
          test: (s) => part.testUnchecked(s),
          starOnly: starOnlyMatcher(src),
          prefix: plainPrefix(src),
          suffix: plainSuffix(src)
        };
      })
    );
  } catch {
    rows = null;
  }
  return memoSet(rowsMemo, pattern, rows);
}
function segsIntersect(a, b) {
  if (a.k === "lit" && b.k === "lit") return a.s === b.s;
  if (a.k === "lit" && b.k === "wild") return !a.s.includes("/") && b.test(a.s);
  if (a.k === "wild" && b.k === "lit") return !b.s.includes("/") && a.test(b.s);
  if (a.k === "wild" && b.k === "wild") {
    const prefixOk = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
    const suffixOk = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
    return prefixOk && suffixOk;
  }
  return true;
}
function rowsIntersect(a, b) {
  const memo = /* @__PURE__ */ new Map();
  const width = b.length + 1;
  const go = (i, j) => {
    const key = i * width + j;
    const hit = memo.get(key);
    if (hit !== void 0) return hit;
    let r;
    const sa = a[i];
    const sb = b[j];
    if (sa === void 0 && sb === void 0) r = true;
    else if (sa?.k === "star2") r = go(i + 1, j) || sb !== void 0 && go(i, j + 1);
    else if (sb?.k === "star2") r = go(i, j + 1) || sa !== void 0 && go(i + 1, j);
    else if (sa === void 0 || sb === void 0) r = false;
    else r = segsIntersect(sa, sb) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}
var intersectMemo = /* @__PURE__ */ new Map();
function globsIntersect(a, b) {
  if (a === b) return true;
  const key = a < b ? `${a}\0${b}` : `${b}\0${a}`;
  const hit = intersectMemo.get(key);
  if (hit !== void 0) return hit;
  let r;
  const ca = compileGlob(a);
  const cb = compileGlob(b);
  if (ca.isLiteral && cb.isLiteral) r = false;
  else if (ca.isLiteral) r = cb.test(a);
  else if (cb.isLiteral) r = ca.test(b);
  else {
    const ra = rowsOf(a);
    const rb = rowsOf(b);
    if (ra === null || rb === null) r = true;
    else r = ra.some((x) => rb.some((y) => rowsIntersect(x, y)));
  }
  return memoSet(intersectMemo, key, r);
}
function specificityOf(pattern) {
  const c = compileGlob(pattern);
  const literalSegments = c.isLiteral ? pattern.split("/").length : pattern.split("/").filter((s) => !segmentIsMagic(s)).length;
  const globstars = c.isLiteral ? 0 : pattern.split("/").filter((s) => s === "**").length;
  return { literalSegments, prefixLength: c.literalPrefix.length, globstars, length: pattern.length };
}
function compareSpecificity(a, b) {
  const sa = specificityOf(a);
  const sb = specificityOf(b);
  return sb.literalSegments - sa.literalSegments || sb.prefixLength - sa.prefixLength || sa.globstars - sb.globstars || sb.length - sa.length;
}
var PatternIndex = class {
  #entries;
  #literals = /* @__PURE__ */ new Map();
  #byFirst = /* @__PURE__ */ new Map();
  #always = [];
  constructor(entries) {
    this.#entries = entries.map((e) => ({
      pattern: e.pattern,
      value: e.value,
      glob: compileInternal(e.pattern),
      base: basenameFilter(e.pattern)
    }));
    this.#entries.forEach((e, i) => {
      if (e.glob.isLiteral) {
        push(this.#literals, e.pattern, i);
        return;
      }
      const rows = rowsOf(e.pattern);
      const firsts = /* @__PURE__ */ new Set();
      let bucketable = rows !== null && rows.length > 0;
      for (const row of rows ?? []) {
        const first = row[0];
        if (first?.k === "lit") firsts.add(first.s);
        else bucketable = false;
      }
      if (bucketable) for (const f of firsts) push(this.#byFirst, f, i);
      else this.#always.push(i);
    });
  }
  /** Values of every entry whose pattern matches `path`, in insertion order. */
  match(path2) {
    return this.matchEntries(path2).map((m) => m.value);
  }
  /** Entries whose pattern matches `path`, in insertion order, with the pattern that matched. */
  matchEntries(path2) {
    const slash = path2.indexOf("/");
    const first = slash === -1 ? path2 : path2.slice(0, slash);
    const hits = [];
    const lits = this.#literals.get(path2);
    if (lits) hits.push(...lits);
    const bucket = this.#byFirst.get(first);
    const base = slash === -1 ? path2 : path2.slice(path2.lastIndexOf("/") + 1);
    let segs;
    const entries = this.#entries;
    for (let round = 0; round < 2; round++) {
      const list = round === 0 ? bucket : this.#always;
      if (list === void 0) continue;
      for (let k = 0; k < list.length; k++) {
        const i = list[k];
        const e = entries[i];
        if (e.base !== null && !e.base(base)) continue;
        if (segs === void 0) segs = cleanSegments(path2);
        if (e.glob.testSplit(path2, segs)) hits.push(i);
      }
    }
    if (hits.length > 1) hits.sort((x, y) => x - y);
    const out = [];
    let last = -1;
    for (const i of hits) {
      if (i === last) continue;
      last = i;
      const e = this.#entries[i];
      out.push({ pattern: e.pattern, value: e.value, index: i });
    }
    return out;
  }
};
function basenameFilter(pattern) {
  const rows = rowsOf(pattern);
  if (rows === null || rows.length === 0) return null;
  const tests = [];
  for (const row of rows) {
    const last = row[row.length - 1];
    if (last === void 0 || last.k === "star2") return null;
    if (last.k === "lit") {
      const lit2 = last.s;
      tests.push((b) => b === lit2);
    } else {
      tests.push(last.starOnly ?? last.test);
    }
  }
  if (tests.length === 1) return tests[0];
  return (b) => tests.some((t) => t(b));
}
function starOnlyMatcher(src) {
  if (!src.includes("*")) return void 0;
  for (const c of src) if (c !== "*" && NOT_PLAIN.has(c)) return void 0;
  const frags = src.split("*");
  const head = frags[0];
  const tail = frags[frags.length - 1];
  const middle = frags.slice(1, -1).filter((f) => f.length > 0);
  const min = head.length + tail.length;
  const m0 = middle[0];
  if (middle.length === 0) {
    return (s) => s.length >= min && s.startsWith(head) && s.endsWith(tail) && s !== "." && s !== "..";
  }
  if (middle.length === 1) {
    const f = m0;
    return (s) => {
      if (s.length < min + f.length || !s.endsWith(tail) || !s.startsWith(head)) return false;
      const k = s.indexOf(f, head.length);
      return k !== -1 && k + f.length <= s.length - tail.length && s !== "." && s !== "..";
    };
  }
  return (s) => {
    if (s === "." || s === "..") return false;
    if (s.length < min || !s.startsWith(head) || !s.endsWith(tail)) return false;
    let at = head.length;
    const end = s.length - tail.length;
    for (let j = 0; j < middle.length; j++) {
      const f = middle[j];
      const k = s.indexOf(f, at);
      if (k === -1 || k + f.length > end) return false;
      at = k + f.length;
    }
    return true;
  };
}
function push(map, key, i) {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== i) list.push(i);
  } else map.set(key, [i]);
}

// src/engine/classify.ts
var configIndexes = /* @__PURE__ */ new WeakMap();
var criticalIndexes = /* @__PURE__ */ new WeakMap();
function rankPatterns(patterns) {
  const sorted = [...new Set(patterns)].sort(compareSpecificity);
  const rank = /* @__PURE__ */ new Map();
  let r = 0;
  sorted.forEach((p, k) => {
    if (k > 0 && compareSpecificity(sorted[k - 1], p) !== 0) r = k;
    rank.set(p, r);
  });
  return rank;
}
function indexOf(config) {
  let idx = configIndexes.get(config);
  if (idx) return idx;
  const streamEntries = config.streams.flatMap((s, i) => s.patterns.map((pattern) => ({ pattern, value: i })));
  const hotEntries = config.hotFiles.map((h, i) => ({ pattern: h.pattern, value: i }));
  idx = {
    streams: new PatternIndex(streamEntries),
    rank: rankPatterns([...streamEntries, ...hotEntries].map((e) => e.pattern)),
    hot: new PatternIndex(hotEntries),
    areas: new PatternIndex(config.areas.flatMap((a, i) => a.patterns.map((pattern) => ({ pattern, value: i }))))
  };
  configIndexes.set(config, idx);
  return idx;
}
function classify(paths, config) {
  const idx = indexOf(config);
  const out = new Array(paths.length);
  for (let k = 0; k < paths.length; k++) {
    const path2 = paths[k];
    const matches = idx.streams.matchEntries(path2);
    if (matches.length === 0) {
      out[k] = { path: path2, stream: null, also: [] };
      continue;
    }
    let best = -1;
    let bestRank = Infinity;
    for (const m of matches) {
      const r = idx.rank.get(m.pattern);
      if (r < bestRank) {
        bestRank = r;
        best = m.value;
      }
    }
    const also = [];
    let last = -1;
    for (const m of matches) {
      if (m.value === best || m.value === last) continue;
      last = m.value;
      also.push(config.streams[m.value].id);
    }
    out[k] = { path: path2, stream: config.streams[best].id, also };
  }
  return out;
}
function isCriticalFile(path2, stream) {
  if (stream.criticalFiles.length === 0) return false;
  let idx = criticalIndexes.get(stream);
  if (!idx) {
    idx = new PatternIndex(stream.criticalFiles.map((pattern) => ({ pattern, value: true })));
    criticalIndexes.set(stream, idx);
  }
  return idx.matchEntries(path2).length > 0;
}
function hotFileMode(path2, config) {
  if (config.hotFiles.length === 0) return null;
  const idx = indexOf(config);
  let best = null;
  let bestRank = Infinity;
  for (const m of idx.hot.matchEntries(path2)) {
    const r = idx.rank.get(m.pattern);
    if (r < bestRank) {
      bestRank = r;
      best = m.value;
    }
  }
  return best === null ? null : config.hotFiles[best].mode;
}
function areaOf(path2, config) {
  if (config.areas.length === 0) return [];
  const out = [];
  let last = -1;
  for (const m of indexOf(config).areas.matchEntries(path2)) {
    if (m.value === last) continue;
    last = m.value;
    out.push(config.areas[m.value].name);
  }
  return out;
}

// src/git/gateway.ts
var import_node_child_process = require("node:child_process");
var import_node_fs2 = require("node:fs");

// src/git/config-answer.ts
function configAnswerOf(r, key) {
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

// src/git/gateway.ts
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
  const lines2 = s.split("\n").map((x) => x.trim()).filter((x) => x !== "");
  return lines2.find((x) => /^(fatal|error):/.test(x)) ?? lines2[0] ?? "";
}
function git(args, opts) {
  return new Promise((resolve3, reject) => {
    const child = (0, import_node_child_process.spawn)("git", args, {
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
      const why = e.code === "ENOENT" ? (0, import_node_fs2.existsSync)(opts.cwd) ? "git is not installed or not on PATH: install git and try again" : `directory ${opts.cwd} does not exist` : `cannot run git: ${e.message}`;
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
      resolve3({ stdout: Buffer.concat(out).toString("utf8"), stderr, code: code ?? (signal ? 128 : 1) });
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
async function revParse(cwd, ref) {
  const args = ["rev-parse", "--verify", "--quiet", "--end-of-options", ref];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && !/not a git repository/i.test(res.stderr)) return null;
  throw gitError(args, res, cwd);
}
var UNTRACKED_DIFF_LIMIT = 200;
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
async function commitMessages(cwd, range2) {
  const out = await gitOk(["log", "--format=%B%x00", range2, "--"], { cwd });
  return out.split("\0").map((m) => m.trim()).filter((m) => m !== "");
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
  const lines2 = res.stdout.split("\n").filter((l) => l !== "");
  if (!/^[0-9a-f]{40,64}$/.test(lines2[0] ?? "")) return null;
  return res.code === 0 ? [] : [...new Set(lines2.slice(1))];
}

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

// src/cli/check-cache.ts
var import_node_fs3 = require("node:fs");
var import_node_path2 = require("node:path");
var import_node_url = require("node:url");
var import_node_zlib = require("node:zlib");
var CACHE_DIR = "pucs-cache";
var KEEP = 4;
var build2;
function buildStamp() {
  if (build2 === void 0) {
    try {
      const st = (0, import_node_fs3.statSync)((0, import_node_url.fileURLToPath)(__pucsMetaUrl));
      build2 = `${st.size}:${st.mtimeMs}`;
    } catch {
      build2 = null;
    }
  }
  return build2;
}
function shortHash(s) {
  return (0, import_node_zlib.crc32)(s).toString(16).padStart(8, "0") + s.length.toString(16).padStart(8, "0");
}
function fileOf(commonDir, kind, key, stamp) {
  return (0, import_node_path2.join)(commonDir, CACHE_DIR, `${kind}-${shortHash(`${stamp}\0${key}`)}.json`);
}
function cacheGet(commonDir, kind, key) {
  const stamp = buildStamp();
  if (stamp === null) return void 0;
  try {
    const doc = JSON.parse((0, import_node_fs3.readFileSync)(fileOf(commonDir, kind, key, stamp), "utf8"));
    return doc.stamp === stamp && doc.key === key ? doc.value : void 0;
  } catch {
    return void 0;
  }
}
function cachePut(commonDir, kind, key, value) {
  const stamp = buildStamp();
  if (stamp === null) return;
  try {
    const dir = (0, import_node_path2.join)(commonDir, CACHE_DIR);
    (0, import_node_fs3.mkdirSync)(dir, { recursive: true });
    const file = fileOf(commonDir, kind, key, stamp);
    const tmp = `${file}.${process.pid}.tmp`;
    (0, import_node_fs3.writeFileSync)(tmp, JSON.stringify({ stamp, key, value }));
    (0, import_node_fs3.renameSync)(tmp, file);
    const mine = (0, import_node_fs3.readdirSync)(dir).filter((f) => f.startsWith(`${kind}-`) && f.endsWith(".json")).map((f) => ({ f, t: (0, import_node_fs3.statSync)((0, import_node_path2.join)(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const old of mine.slice(KEEP)) (0, import_node_fs3.unlinkSync)((0, import_node_path2.join)(dir, old.f));
  } catch {
  }
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
var ledgerConfigOf = (r) => configAnswerOf(r, "pucs.ledger");
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
  const revParse2 = revParseArgs(base);
  const diff = base !== void 0 ? diffArgs(base) : null;
  const local = flag(p, "local");
  const config = local ? null : LEDGER_CONFIG;
  return { p, format, base, local, revParse: revParse2, untracked: UNTRACKED, diff, config, first: [...diff ? [diff] : [], revParse2, ...config ? [config] : [], UNTRACKED] };
}

// src/engine/change.ts
function ownsClaim(change, claim) {
  return claim.change !== void 0 ? claim.change === change.id : claim.agent === change.agent;
}
function changeAtHead(footprints, headSha) {
  if (!headSha) return null;
  return footprints.find((f) => f.headSha === headSha && f.change.startsWith("#")) ?? null;
}

// src/engine/histogram.ts
var MAX_CHAIN = 64;
function histogram(a, b, chgA, chgB, l1, c1, l2, c2, depth) {
  for (; ; ) {
    if (c1 <= 0 && c2 <= 0) return;
    if (c1 <= 0) {
      chgB.fill(1, l2, l2 + c2);
      return;
    }
    if (c2 <= 0) {
      chgA.fill(1, l1, l1 + c1);
      return;
    }
    const end1 = l1 + c1 - 1;
    const end2 = l2 + c2 - 1;
    const first = /* @__PURE__ */ new Map();
    const next = new Int32Array(c1).fill(-1);
    for (let p = end1; p >= l1; p--) {
      const line = a[p];
      const rec = first.get(line);
      if (rec) {
        next[p - l1] = rec.ptr;
        rec.ptr = p;
        rec.cnt++;
      } else first.set(line, { ptr: p, cnt: 1 });
    }
    const cnt = (p) => first.get(a[p]).cnt;
    let bestCnt = MAX_CHAIN + 1;
    let b1 = -1;
    let e1 = -1;
    let b2 = -1;
    let e2 = -1;
    let hasCommon = false;
    for (let bp = l2; bp <= end2; ) {
      let bNext = bp + 1;
      const rec = first.get(b[bp]);
      if (rec) {
        hasCommon = true;
        if (rec.cnt <= bestCnt) {
          let as = rec.ptr;
          for (; ; ) {
            let np = next[as - l1];
            let bs = bp;
            let ae = as;
            let be = bs;
            let rc = rec.cnt;
            while (as > l1 && bs > l2 && a[as - 1] === b[bs - 1]) {
              as--;
              bs--;
              if (rc > 1) rc = Math.min(rc, cnt(as));
            }
            while (ae < end1 && be < end2 && a[ae + 1] === b[be + 1]) {
              ae++;
              be++;
              if (rc > 1) rc = Math.min(rc, cnt(ae));
            }
            if (bNext <= be) bNext = be + 1;
            if (e1 - b1 < ae - as || rc < bestCnt) {
              b1 = as;
              e1 = ae;
              b2 = bs;
              e2 = be;
              bestCnt = rc;
            }
            if (np === -1) break;
            while (np !== -1 && np <= ae) np = next[np - l1];
            if (np === -1) break;
            as = np;
          }
        }
      }
      bp = bNext;
    }
    if (b1 === -1 || hasCommon && bestCnt > MAX_CHAIN || depth > 200) {
      chgA.fill(1, l1, l1 + c1);
      chgB.fill(1, l2, l2 + c2);
      return;
    }
    histogram(a, b, chgA, chgB, l1, b1 - l1, l2, b2 - l2, depth + 1);
    c1 = end1 - e1;
    c2 = end2 - e2;
    l1 = e1 + 1;
    l2 = e2 + 1;
  }
}
function histogramRegions(body, oldStart) {
  const key = (l) => l.noEol ? `${l.text}\0` : l.text;
  const a = [];
  const b = [];
  const bLines = [];
  const myersA = [];
  const myersB = [];
  for (const l of body) {
    if (l.kind !== "+") {
      a.push(key(l));
      myersA.push(l.kind === "-" ? 1 : 0);
    }
    if (l.kind !== "-") {
      b.push(key(l));
      bLines.push(l);
      myersB.push(l.kind === "+" ? 1 : 0);
    }
  }
  const chgA = new Uint8Array(a.length);
  const chgB = new Uint8Array(b.length);
  histogram(a, b, chgA, chgB, 0, a.length, 0, b.length, 0);
  const topA = compact(a, chgA);
  const topB = compact(b, chgB);
  const mA = Uint8Array.from(myersA);
  const mB = Uint8Array.from(myersB);
  compact(a, mA);
  compact(b, mB);
  const sameGroup = (m, c, s0, e0) => {
    if (s0 > 0 && m[s0 - 1] || e0 < m.length && m[e0]) return false;
    for (let k = s0; k < e0; k++) if (!m[k] || !c[k]) return false;
    return true;
  };
  const patchRun = (orig, from, e0, n) => {
    for (let k = from; k < e0; k++) if (orig[k] && (k === 0 || !orig[k - 1]) && orig.slice(k, k + n).every((v) => v === 1)) return k;
    return -1;
  };
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && !chgA[i] && !chgB[j]) {
      i++;
      j++;
      continue;
    }
    let ie = i;
    while (ie < a.length && chgA[ie]) ie++;
    let je = j;
    while (je < b.length && chgB[je]) je++;
    if (ie === i && je === j) {
      ie = a.length;
      je = b.length;
    }
    const up = ie > i ? i - (topA.get(i) ?? i) : j - (topB.get(j) ?? j);
    const added = bLines.slice(j, je);
    const text = { added: added.map((l) => l.text), noNewline: added[added.length - 1]?.noEol === true };
    let exact = -1;
    if (sameGroup(mA, chgA, i, ie) && sameGroup(mB, chgB, j, je)) {
      if (ie > i) exact = patchRun(myersA, i - up, ie, ie - i);
      else {
        const k = patchRun(myersB, j - up, je, je - j);
        if (k !== -1) exact = i - (j - k);
      }
    }
    if (exact !== -1) out.push({ start: oldStart + exact, end: oldStart + exact + (ie - i) - 1, ...text });
    else out.push({ start: oldStart + i - up, end: oldStart + ie - 1, ...text });
    i = ie;
    j = je;
  }
  return out;
}
function compact(x, chg) {
  const top = /* @__PURE__ */ new Map();
  let s = 0;
  for (; ; ) {
    while (s < x.length && !chg[s]) s++;
    if (s >= x.length) break;
    let e = s;
    while (e < x.length && chg[e]) e++;
    let size;
    let high;
    do {
      size = e - s;
      while (s > 0 && x[s - 1] === x[e - 1]) {
        chg[--s] = 1;
        chg[--e] = 0;
        while (s > 0 && chg[s - 1]) s--;
      }
      high = s;
      while (e < x.length && x[s] === x[e]) {
        chg[s++] = 0;
        chg[e++] = 1;
        while (e < x.length && chg[e]) e++;
      }
    } while (size !== e - s);
    top.set(s, Math.min(top.get(s) ?? s, high));
    s = e;
  }
  return top;
}
function sameRegions(x, y) {
  return x.length === y.length && x.every((r, k) => r.start === y[k].start && r.end === y[k].end && r.hash === y[k].hash);
}

// src/engine/diff.ts
function textHash(lines2, noNewline) {
  let h1 = 2166136261;
  let h2 = 2538058380;
  const mix = (code) => {
    h1 = Math.imul(h1 ^ code, 16777619);
    h2 = Math.imul(h2 ^ code, 1540483477);
    h2 ^= h2 >>> 15;
  };
  for (let k = 0; k < lines2.length; k++) {
    const line = lines2[k];
    for (let c = 0; c < line.length; c++) mix(line.charCodeAt(c));
    if (k < lines2.length - 1 || !noNewline) mix(10);
  }
  mix(lines2.length & 65535);
  mix(noNewline ? 1 : 2);
  h1 = Math.imul(h1 ^ h1 >>> 16, 2246822507) ^ Math.imul(h2 ^ h2 >>> 13, 3266489909);
  h2 = Math.imul(h2 ^ h2 >>> 16, 668265263) ^ Math.imul(h1 ^ h1 >>> 13, 374761393);
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
function splitLines(text) {
  let cr;
  const lines2 = text.split("\n").map((l, k) => {
    if (!l.endsWith("\r")) return l;
    (cr ??= /* @__PURE__ */ new Set()).add(k);
    return l.slice(0, -1);
  });
  while (lines2.length > 0 && lines2[lines2.length - 1] === "") lines2.pop();
  if (cr) lines2.cr = cr;
  return lines2;
}
function excerpt(line) {
  if (line === void 0) return "the end of the input";
  const cut = line.length > 60 ? `${line.slice(0, 60)}...` : line;
  return JSON.stringify(cut);
}
function where(lineNo, path2) {
  return path2 ? `line ${lineNo} (${path2})` : `line ${lineNo}`;
}
var HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
var HUNK_EXAMPLE = '"@@ -12,5 +12,7 @@ section"';
function parseHunkHeader(line) {
  const m = HUNK_HEADER.exec(line);
  if (!m) return null;
  const h = {
    oldStart: Number(m[1]),
    oldLines: m[2] === void 0 ? 1 : Number(m[2]),
    newStart: Number(m[3]),
    newLines: m[4] === void 0 ? 1 : Number(m[4]),
    section: (m[5] ?? "").trim()
  };
  if ([h.oldStart, h.oldLines, h.newStart, h.newLines].some((n) => n > MAX_LINE)) return null;
  return h;
}
var MAX_LINE = 1e9;
function headerProblem(h) {
  if (h.oldStart === 0 && h.oldLines > 0) return "old start 0 is only valid with an old line count of 0";
  if (h.newStart === 0 && h.newLines > 0) return "new start 0 is only valid with a new line count of 0";
  return null;
}
function readHunk(lines2, i, path2, errors) {
  const headerLine = lines2[i];
  const header = parseHunkHeader(headerLine);
  if (!header) {
    errors.push(`${where(i + 1, path2)}: expected a hunk header like ${HUNK_EXAMPLE}, got ${excerpt(headerLine)}`);
    return { hunk: null, next: i + 1 };
  }
  const bad = headerProblem(header);
  if (bad) {
    errors.push(`${where(i + 1, path2)}: invalid hunk header ${excerpt(headerLine)}: ${bad}`);
    return { hunk: null, next: i + 1 };
  }
  const declared = `its header ${excerpt(hunkHeaderOnly(headerLine))} declares ${header.oldLines} old and ${header.newLines} new lines`;
  const section = header.section;
  const changes = [];
  let oldSeen = 0;
  let newSeen = 0;
  let cur = header.oldLines === 0 ? header.oldStart + 1 : header.oldStart;
  let runStart = null;
  let added = [];
  let noNewline = false;
  let last;
  const body = [];
  const text = (k, line) => lines2.cr?.has(k) ? `${line.slice(1)}\r` : line.slice(1);
  const closeRun = () => {
    if (runStart === null) return;
    const r = { start: runStart, end: cur - 1 };
    if (section) r.section = section;
    r.hash = textHash(added, noNewline);
    changes.push(r);
    runStart = null;
    added = [];
    noNewline = false;
  };
  let j = i + 1;
  while (oldSeen < header.oldLines || newSeen < header.newLines) {
    const line = lines2[j];
    if (line === void 0) {
      errors.push(
        `${where(j + 1, path2)}: the hunk at line ${i + 1} ends early at the end of the input after ${oldSeen} old and ${newSeen} new lines; ${declared}`
      );
      return { hunk: null, next: j };
    }
    const c = line[0];
    if (c === " " || line === "") {
      closeRun();
      body.push({ kind: " ", text: text(j, line) });
      oldSeen++;
      newSeen++;
      cur++;
    } else if (c === "-") {
      if (runStart === null) runStart = cur;
      body.push({ kind: "-", text: text(j, line) });
      oldSeen++;
      cur++;
    } else if (c === "+") {
      if (runStart === null) runStart = cur;
      added.push(text(j, line));
      body.push({ kind: "+", text: text(j, line) });
      newSeen++;
    } else if (c === "\\") {
      if (last?.[0] === "+") noNewline = true;
      const prev = body[body.length - 1];
      if (prev) prev.noEol = true;
    } else {
      errors.push(
        `${where(j + 1, path2)}: expected a line of the hunk at line ${i + 1} (starting with " ", "-" or "+"), got ${excerpt(line)}; the hunk has ${oldSeen} old and ${newSeen} new lines so far, ${declared}`
      );
      return { hunk: null, next: j };
    }
    if (oldSeen > header.oldLines || newSeen > header.newLines) {
      errors.push(
        `${where(j + 1, path2)}: the hunk at line ${i + 1} has more ${oldSeen > header.oldLines ? "old" : "new"} lines than its header allows; ${declared}`
      );
      return { hunk: null, next: j + 1 };
    }
    last = line;
    j++;
  }
  while (lines2[j]?.startsWith("\\")) {
    if (last?.[0] === "+") noNewline = true;
    const prev = body[body.length - 1];
    if (prev) prev.noEol = true;
    j++;
  }
  closeRun();
  const hunk = { ...header, changes };
  const alt = histogramRegions(body, header.oldLines === 0 ? header.oldStart + 1 : header.oldStart).map((g) => {
    const r = { start: g.start, end: g.end };
    if (section) r.section = section;
    r.hash = textHash(g.added, g.noNewline);
    return r;
  });
  if (!sameRegions(alt, changes)) hunk.alt = alt;
  return { hunk, next: j };
}
function isStrayBodyLine(lines2, j) {
  const line = lines2[j];
  if (line === void 0) return false;
  if (line.startsWith("--- ") && lines2[j + 1]?.startsWith("+++ ")) return false;
  return line[0] === " " || line[0] === "-" || line[0] === "+";
}
function readHunks(lines2, i, path2, errors) {
  const hunks = [];
  let j = i;
  let failed = false;
  while (j < lines2.length && lines2[j].startsWith("@@")) {
    const headerAt = j;
    const { hunk, next } = readHunk(lines2, j, path2, errors);
    if (!hunk) {
      failed = true;
      j = next;
      break;
    }
    const prev = hunks[hunks.length - 1];
    if (prev && firstOldLine(hunk) < firstOldLine(prev) + prev.oldLines) {
      errors.push(
        `${where(headerAt + 1, path2)}: the hunk starts at old line ${hunk.oldStart}, inside or before the previous hunk (old lines ${prev.oldStart}-${prev.oldStart + prev.oldLines - 1}); hunks must be in increasing order`
      );
      failed = true;
      j = next;
      break;
    }
    hunks.push(hunk);
    j = next;
    if (isStrayBodyLine(lines2, j)) {
      errors.push(
        `${where(j + 1, path2)}: the hunk at line ${headerAt + 1} has more lines than its header ${excerpt(hunkHeaderOnly(lines2[headerAt]))} declares (${hunk.oldLines} old, ${hunk.newLines} new): got ${excerpt(lines2[j])}`
      );
      failed = true;
      break;
    }
  }
  return { hunks: failed ? null : hunks, next: j };
}
function firstOldLine(h) {
  return h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
}
function hunkHeaderOnly(line) {
  return line.replace(/^(@@[^@]*@@).*$/, "$1");
}
var C_ESCAPES = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };
var encoder = new TextEncoder();
var decoder = new TextDecoder("utf-8");
function unquoteCString(s, from = 0) {
  if (s[from] !== '"') return { error: "expected a double quote" };
  const bytes = [];
  let k = from + 1;
  while (k < s.length) {
    const c = s[k];
    if (c === '"') return { value: decoder.decode(new Uint8Array(bytes)), end: k + 1 };
    if (c === "\\") {
      const e = s[k + 1];
      if (e === void 0) break;
      if (/[0-7]/.test(e)) {
        const oct = /^[0-7]{1,3}/.exec(s.slice(k + 1, k + 4))[0];
        if (oct.length !== 3 || parseInt(oct, 8) > 255) return { error: `invalid octal escape "\\${oct}" (expected three octal digits, at most \\377)` };
        bytes.push(parseInt(oct, 8));
        k += 4;
        continue;
      }
      const code = C_ESCAPES[e];
      if (code === void 0) return { error: `unknown escape "\\${e}"` };
      bytes.push(code);
      k += 2;
      continue;
    }
    const cp = s.codePointAt(k);
    const ch = String.fromCodePoint(cp);
    for (const b of encoder.encode(ch)) bytes.push(b);
    k += ch.length;
  }
  return { error: "missing closing double quote" };
}
var OLD_PREFIXES = ["a/", "c/", "i/", "w/", "o/", "1/"];
var NEW_PREFIXES = ["b/", "c/", "i/", "w/", "o/", "2/"];
function stripPrefix(p, prefixes) {
  for (const pre of prefixes) if (p.startsWith(pre)) return p.slice(pre.length);
  return p;
}
function markerPath(rest, side) {
  let raw;
  if (rest.startsWith('"')) {
    const q = unquoteCString(rest);
    if ("error" in q) return q;
    raw = q.value;
  } else {
    const tab = rest.indexOf("	");
    raw = tab >= 0 ? rest.slice(0, tab) : rest;
  }
  if (raw === "/dev/null") return { path: null };
  if (raw === "") return { error: "empty path" };
  const path2 = stripPrefix(raw, side === "old" ? OLD_PREFIXES : NEW_PREFIXES);
  if (path2 === "") return { error: `empty path after the ${side === "old" ? "a/" : "b/"} prefix` };
  return { path: path2 };
}
function gitHeaderPaths(rest) {
  if (rest.startsWith('"')) {
    const qa = unquoteCString(rest);
    if ("error" in qa) return qa;
    const after = rest.slice(qa.end);
    if (!after.startsWith(" ")) return { error: "expected a space after the first quoted path" };
    const bPart = after.slice(1);
    let b;
    if (bPart.startsWith('"')) {
      const qb = unquoteCString(bPart);
      if ("error" in qb) return qb;
      b = qb.value;
    } else b = bPart;
    return { a: stripPrefix(qa.value, OLD_PREFIXES), b: stripPrefix(b, NEW_PREFIXES) };
  }
  const quotedB = rest.indexOf(' "');
  if (quotedB >= 0) {
    const qb = unquoteCString(rest, quotedB + 1);
    if (!("error" in qb) && qb.end === rest.length) {
      return { a: stripPrefix(rest.slice(0, quotedB), OLD_PREFIXES), b: stripPrefix(qb.value, NEW_PREFIXES) };
    }
  }
  const spaces = [];
  for (let k = rest.indexOf(" "); k >= 0; k = rest.indexOf(" ", k + 1)) spaces.push(k);
  for (const k of spaces) {
    const a = stripPrefix(rest.slice(0, k), OLD_PREFIXES);
    const b = stripPrefix(rest.slice(k + 1), NEW_PREFIXES);
    if (a === b && a !== "") return { a, b };
  }
  if (spaces.length === 1) {
    const k = spaces[0];
    return { a: stripPrefix(rest.slice(0, k), OLD_PREFIXES), b: stripPrefix(rest.slice(k + 1), NEW_PREFIXES) };
  }
  return null;
}
function quotedValue(rest) {
  if (rest.startsWith('"')) {
    const q = unquoteCString(rest);
    if ("error" in q) return q;
    return { value: q.value };
  }
  return { value: rest };
}
var FILE_START_EXPECTED = 'expected a file header ("diff --git a/<path> b/<path>", or "--- <path>" then "+++ <path>")';
function isFileStart(lines2, i) {
  const line = lines2[i];
  return line.startsWith("diff --git ") || line.startsWith("diff --cc ") || line.startsWith("diff --combined ") || line.startsWith("--- ") && (lines2[i + 1]?.startsWith("+++ ") ?? false);
}
function parseUnifiedDiff(text) {
  const lines2 = splitLines(text);
  const files = [];
  const errors = [];
  let i = 0;
  while (i < lines2.length) {
    const line = lines2[i];
    if (line.startsWith("diff --git ")) {
      i = parseGitFile(lines2, i, files, errors);
    } else if (line.startsWith("diff --cc ") || line.startsWith("diff --combined ")) {
      errors.push(
        `line ${i + 1}: combined diffs of merge commits are not supported (got ${excerpt(line)}); diff the branch against its merge base instead (git diff <base>...HEAD)`
      );
      i++;
      while (i < lines2.length && !isFileStart(lines2, i)) i++;
    } else if (line.startsWith("--- ") && lines2[i + 1]?.startsWith("+++ ")) {
      i = parsePlainFile(lines2, i, files, errors);
    } else {
      const from = i;
      while (i < lines2.length && !isFileStart(lines2, i)) i++;
      const span = i - 1 > from ? `lines ${from + 1}-${i}` : `line ${from + 1}`;
      errors.push(`${span}: ${FILE_START_EXPECTED}, got ${excerpt(line)}`);
    }
  }
  return { files, errors };
}
function resync(lines2, i) {
  while (i < lines2.length && !isFileStart(lines2, i)) i++;
  return i;
}
function resyncGit(lines2, i) {
  while (i < lines2.length && !lines2[i].startsWith("diff --git ") && !lines2[i].startsWith("diff --cc ") && !lines2[i].startsWith("diff --combined ")) i++;
  return i;
}
function parseGitFile(lines2, start, files, errors) {
  const headerLine = lines2[start];
  const header = gitHeaderPaths(headerLine.slice("diff --git ".length));
  if (header && "error" in header) {
    errors.push(`line ${start + 1}: cannot read the paths of ${excerpt(headerLine)}: ${header.error}`);
    return resyncGit(lines2, start + 1);
  }
  let oldPath = header?.a;
  let newPath = header?.b;
  let renameFrom;
  let renameTo;
  let copyFrom;
  let copyTo;
  let added = false;
  let deleted = false;
  let modeChanged = false;
  let binary = false;
  let hunks = [];
  const label = () => newPath ?? oldPath ?? renameTo ?? null;
  let i = start + 1;
  const ext2 = [
    ["old mode ", () => flag2(() => modeChanged = true)],
    ["new mode ", () => flag2(() => modeChanged = true)],
    ["deleted file mode ", () => flag2(() => deleted = true)],
    ["new file mode ", () => flag2(() => added = true)],
    ["similarity index ", () => null],
    ["dissimilarity index ", () => null],
    ["index ", () => null],
    ["rename from ", (r) => withValue(r, (v) => renameFrom = v)],
    ["rename to ", (r) => withValue(r, (v) => renameTo = v)],
    ["copy from ", (r) => withValue(r, (v) => copyFrom = v)],
    ["copy to ", (r) => withValue(r, (v) => copyTo = v)]
  ];
  function flag2(set) {
    set();
    return null;
  }
  function withValue(rest, set) {
    const q = quotedValue(rest);
    if ("error" in q) return q.error;
    if (q.value === "") return "empty path";
    set(q.value);
    return null;
  }
  function pushFile() {
    const f = buildFile();
    if (f.path !== "") files.push(f);
  }
  headerLoop: while (i < lines2.length) {
    const line = lines2[i];
    if (line.startsWith("diff ")) break;
    for (const [prefix2, handle] of ext2) {
      if (line.startsWith(prefix2)) {
        const problem = handle(line.slice(prefix2.length));
        if (problem) {
          errors.push(`${where(i + 1, label())}: cannot read the path in ${excerpt(line)}: ${problem}`);
          hunks = null;
          pushFile();
          return resyncGit(lines2, i + 1);
        }
        i++;
        continue headerLoop;
      }
    }
    if (line.startsWith("Binary files ") && line.endsWith(" differ")) {
      binary = true;
      i++;
      continue;
    }
    if (line === "GIT binary patch") {
      binary = true;
      i++;
      while (i < lines2.length && !isFileStart(lines2, i)) i++;
      break;
    }
    if (line.startsWith("--- ")) {
      const plus = lines2[i + 1];
      if (plus === void 0 || !plus.startsWith("+++ ")) {
        errors.push(`${where(i + 2, label())}: expected a "+++ b/<path>" line after the "---" line, got ${excerpt(plus)}`);
        hunks = null;
        pushFile();
        return resyncGit(lines2, i + 1);
      }
      const o = markerPath(line.slice(4), "old");
      const n = markerPath(plus.slice(4), "new");
      if ("error" in o || "error" in n) {
        const bad = "error" in o ? { at: i, e: o.error, l: line } : { at: i + 1, e: n.error, l: plus };
        errors.push(`${where(bad.at + 1, label())}: cannot read the path in ${excerpt(bad.l)}: ${bad.e}`);
        hunks = null;
        pushFile();
        return resyncGit(lines2, i + 2);
      }
      if (o.path === null) added = true;
      else oldPath = o.path;
      if (n.path === null) deleted = true;
      else newPath = n.path;
      i += 2;
      if (!lines2[i]?.startsWith("@@")) {
        errors.push(`${where(i + 1, label())}: expected a hunk header like ${HUNK_EXAMPLE} after the "+++" line, got ${excerpt(lines2[i])}`);
        hunks = null;
        pushFile();
        return resyncGit(lines2, i);
      }
      const read = readHunks(lines2, i, label(), errors);
      hunks = read.hunks;
      i = read.next;
      if (hunks === null) {
        pushFile();
        return resyncGit(lines2, i);
      }
      if (i < lines2.length && !isFileStart(lines2, i)) {
        errors.push(`${where(i + 1, label())}: expected another hunk header like ${HUNK_EXAMPLE} or the next file's "diff --git" line, got ${excerpt(lines2[i])}`);
        hunks = null;
        pushFile();
        return resyncGit(lines2, i);
      }
      pushFile();
      return i;
    }
    if (line.startsWith("@@")) {
      errors.push(`${where(i + 1, label())}: a hunk header before the "--- a/<path>" and "+++ b/<path>" lines`);
      hunks = null;
      pushFile();
      return resyncGit(lines2, i + 1);
    }
    errors.push(
      `${where(i + 1, label())}: unexpected line in the header of a file diff: ${excerpt(line)} (expected "index", "old mode"/"new mode", "new file mode", "deleted file mode", "rename from/to", "copy from/to", "similarity index", "Binary files ... differ" or "--- a/<path>")`
    );
    hunks = null;
    pushFile();
    return resyncGit(lines2, i + 1);
  }
  if (binary) hunks = null;
  const file = buildFile();
  if (file.path === "") {
    errors.push(
      `line ${start + 1}: cannot tell the path of ${excerpt(headerLine)} (names with spaces that differ and no "rename"/"---"/"+++" line to disambiguate)`
    );
    return i;
  }
  files.push(file);
  return i;
  function buildFile() {
    const oldName = renameFrom ?? copyFrom ?? oldPath ?? void 0;
    const newName = renameTo ?? copyTo ?? newPath ?? void 0;
    const path2 = (deleted ? oldName : newName) ?? oldName ?? "";
    const f = { path: path2, hunks: binary ? null : hunks };
    if (renameFrom !== void 0 || renameTo !== void 0) {
      f.status = "renamed";
      if (oldName !== void 0) f.previousPath = oldName;
    } else if (copyFrom !== void 0 || copyTo !== void 0) {
      f.status = "copied";
      if (oldName !== void 0) f.previousPath = oldName;
    } else if (added) f.status = "added";
    else if (deleted) f.status = "removed";
    else if (modeChanged && !binary && (hunks === null || hunks.length === 0)) f.status = "changed";
    else f.status = "modified";
    return f;
  }
}
function parsePlainFile(lines2, start, files, errors) {
  const minus = lines2[start];
  const plus = lines2[start + 1];
  const o = markerPath(minus.slice(4), "old");
  const n = markerPath(plus.slice(4), "new");
  if ("error" in o || "error" in n) {
    const bad = "error" in o ? { at: start, e: o.error, l: minus } : { at: start + 1, e: n.error, l: plus };
    errors.push(`line ${bad.at + 1}: cannot read the path in ${excerpt(bad.l)}: ${bad.e}`);
    return resync(lines2, start + 2);
  }
  if (o.path === null && n.path === null) {
    errors.push(`line ${start + 1}: both sides of the file diff are /dev/null`);
    return resync(lines2, start + 2);
  }
  const path2 = n.path ?? o.path;
  const f = { path: path2, status: o.path === null ? "added" : n.path === null ? "removed" : "modified", hunks: null };
  if (o.path !== null && n.path !== null && o.path !== n.path) {
    f.status = "renamed";
    f.previousPath = o.path;
  }
  let i = start + 2;
  if (!lines2[i]?.startsWith("@@")) {
    errors.push(`${where(i + 1, path2)}: expected a hunk header like ${HUNK_EXAMPLE} after the "+++" line, got ${excerpt(lines2[i])}`);
    files.push(f);
    return resync(lines2, i);
  }
  const read = readHunks(lines2, i, path2, errors);
  i = read.next;
  f.hunks = read.hunks;
  if (f.hunks !== null && i < lines2.length && !isFileStart(lines2, i)) {
    errors.push(`${where(i + 1, path2)}: expected another hunk header like ${HUNK_EXAMPLE} or the next file's "---" line, got ${excerpt(lines2[i])}`);
    f.hunks = null;
  }
  files.push(f);
  return resync(lines2, i);
}
function renamedFrom(f) {
  return f.previousPath !== void 0 && f.previousPath !== f.path && f.status !== "copied" ? f.previousPath : void 0;
}
function altRegions(f) {
  if (f.alt !== void 0) return f.alt;
  if (f.hunks === null) return void 0;
  const runs = shiftedRuns(f.hunks);
  if (runs.length === 0 && !f.hunks.some((h) => h.alt !== void 0)) return void 0;
  const out = [];
  let k = 0;
  for (const run2 of runs) {
    for (; k <= run2.shift; k++) out.push(...regionsOf(f.hunks[k]));
    const inRun = f.hunks.slice(run2.first, run2.last + 1).flatMap(regionsOf);
    const stretch = f.hunks.slice(run2.shift + 1, run2.last + 1).flatMap(regionsOf);
    out.push(joined(stretch, inRun, "stretch"));
    k = run2.last + 1;
  }
  for (; k < f.hunks.length; k++) out.push(...regionsOf(f.hunks[k]));
  return mergeTouching(out);
}
var CLOSE_HUNKS = 8;
var regionsOf = (h) => h.alt ?? h.changes;
function shiftedRuns(hunks) {
  const runs = [];
  let first = 0;
  for (let k = 0; k < hunks.length; k++) {
    const next = hunks[k + 1];
    if (next !== void 0 && close(hunks[k], next)) continue;
    for (let s = first; s < k; s++) {
      const h = hunks[s];
      if (h.newLines !== h.oldLines) {
        runs.push({ first, shift: s, last: k });
        break;
      }
    }
    first = k + 1;
  }
  return runs;
}
function close(a, b) {
  const last = a.changes[a.changes.length - 1];
  const first = b.changes[0];
  if (last === void 0 || first === void 0) return false;
  return first.start - last.end - 1 <= CLOSE_HUNKS;
}
function joined(rs, of, kind) {
  const head = rs[0];
  const r = { start: Math.min(...rs.map((x) => x.start)), end: Math.max(...rs.map((x) => x.end)) };
  if (head.section !== void 0) r.section = head.section;
  if (of.every((x) => x.hash !== void 0)) r.hash = textHash([`\0${kind}`, ...of.map((x) => `${x.start}-${x.end}:${x.hash}`)], false);
  return r;
}
function mergeTouching(rs) {
  const sorted = sortRanges([...rs]);
  const out = [];
  for (let k = 0; k < sorted.length; ) {
    let end = sorted[k].end;
    let j = k + 1;
    while (j < sorted.length && sorted[j].start <= end + 1) end = Math.max(end, sorted[j++].end);
    const group = sorted.slice(k, j);
    out.push(group.length === 1 ? group[0] : joined(group, group, "merged"));
    k = j;
  }
  return out;
}
var NO_IDENTICAL = [];
function compareChanges(a, b) {
  if (a === null && b === null) return { overlap: { overlapping: [], mine: [], theirs: [] }, identical: NO_IDENTICAL, mineRegions: [], theirRegions: [] };
  if (a === null || b === null) {
    const known = a ?? b;
    if (known.length === 0) return { overlap: null, identical: NO_IDENTICAL, mineRegions: [], theirRegions: [] };
    const sorted = sortRanges(known);
    const sections = distinctSections(sorted);
    return {
      overlap: { overlapping: mergeRanges(sorted), mine: a === null ? [] : sections, theirs: b === null ? [] : sections },
      identical: NO_IDENTICAL,
      mineRegions: a === null ? [] : sorted,
      theirRegions: b === null ? [] : sorted
    };
  }
  if (a.length === 0 || b.length === 0) return { overlap: null, identical: NO_IDENTICAL, mineRegions: [], theirRegions: [] };
  const sa = sortRanges(a);
  const sb = sortRanges(b);
  const hitA = new Array(sa.length).fill(false);
  const hitB = new Array(sb.length).fill(false);
  let any = false;
  let identical = null;
  const prefixMaxEnd = [];
  for (const r of sb) prefixMaxEnd.push(Math.max(r.end, prefixMaxEnd[prefixMaxEnd.length - 1] ?? -Infinity));
  let lo = 0;
  for (let x = 0; x < sa.length; x++) {
    const ra = sa[x];
    while (lo < sb.length && prefixMaxEnd[lo] + 1 < ra.start) lo++;
    for (let y = lo; y < sb.length; y++) {
      const rb = sb[y];
      if (rb.start > ra.end + 1) break;
      if (ra.start <= rb.end + 1) {
        if (ra.start === rb.start && ra.end === rb.end && ra.hash !== void 0 && ra.hash === rb.hash) {
          (identical ??= []).push({ start: ra.start, end: ra.end });
          continue;
        }
        hitA[x] = true;
        hitB[y] = true;
        any = true;
      }
    }
  }
  const same = identical ?? NO_IDENTICAL;
  if (!any) return { overlap: null, identical: same, mineRegions: [], theirRegions: [] };
  const ca = sa.filter((_, k) => hitA[k]);
  const cb = sb.filter((_, k) => hitB[k]);
  return {
    overlap: {
      overlapping: mergeRanges(sortRanges([...ca, ...cb])),
      mine: distinctSections(ca),
      theirs: distinctSections(cb)
    },
    identical: same,
    mineRegions: ca,
    theirRegions: cb
  };
}
function sortRanges(rs) {
  return [...rs].sort((x, y) => x.start - y.start || x.end - y.end);
}
function distinctSections(rs) {
  const out = [];
  for (const r of rs) if (r.section && !out.includes(r.section)) out.push(r.section);
  return out;
}
function mergeRanges(sorted) {
  const out = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) {
      last.end = Math.max(last.end, r.end);
    } else {
      out.push({ start: r.start, end: r.end });
    }
  }
  return out;
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
var ICON = { QUEUE: "\u23F3", PARTITION: "\u2702\uFE0F", MERGE: "\u2705", ARBITRATE: "\u2696\uFE0F", ROLLBACK: "\u21A9\uFE0F" };
function renderMarkdown(ev, opts = {}) {
  const marker = opts.marker ?? REPORT_MARKER;
  const lines2 = [];
  if (marker) lines2.push(marker);
  lines2.push(`### ${opts.heading ?? "PUCS"}: ${checkTitle(ev)}`, "");
  const streamLine = ev.stream ? `**Stream:** ${ev.stream} (from ${ev.streamSource})` : "**Stream:** none (no label, commit prefix, branch or owned file names one)";
  lines2.push(`${streamLine} \xB7 **Files:** ${ev.files.length} \xB7 **Verdict:** ${ev.verdict}`, "");
  const steps = new Set(ev.conflicts.map((c) => c.nextStep));
  const notes = ev.suggestions.filter((s) => !steps.has(s));
  if (notes.length > 0) lines2.push(...notes.map((n) => `> ${n.startsWith("ROLLBACK") ? "\u21A9\uFE0F" : "\u2139\uFE0F"} ${n.replace(/\r?\n/g, " ")}`), "");
  if (ev.conflicts.length === 0) {
    lines2.push("No one else holds a lock, an intent or open changes on these files. \u2705");
  } else {
    lines2.push("| Type | File | Other side | Stream | Strategy | Next step |", "|---|---|---|---|---|---|");
    for (const c of ev.conflicts.slice(0, MAX_TABLE_ROWS)) {
      const lines_ = c.lines ? ` (${c.lines.overlapping.map(rangeText).join(", ")})` : "";
      lines2.push(
        `| ${c.type} | ${c.file ? `\`${cell(c.file)}\`${lines_}` : "\u2014"} | ${cell(other(c))} | ${c.holderStream ?? "\u2014"} | ${ICON[c.strategy]} ${c.strategy} | ${cell(c.details)} ${cell(c.decided ? `\u2714\uFE0F decided by @${c.decided.by}: ${c.decided.note}` : c.nextStep)} |`
      );
    }
    if (ev.conflicts.length > MAX_TABLE_ROWS) {
      lines2.push("", `\u2026and ${ev.conflicts.length - MAX_TABLE_ROWS} more (all in the JSON below, up to ${MAX_JSON_CONFLICTS}).`);
    }
  }
  const head = lines2.join("\n");
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

// src/engine/breaker.ts
function breakerOf(l, stream) {
  if (stream === null) return null;
  return (l.breakers ?? []).find((b) => b.stream === stream) ?? null;
}
function breakerState(b, now) {
  if (!b || b.openedAt === void 0 || b.halfOpensAt === void 0) return "CLOSED";
  return now < Date.parse(b.halfOpensAt) ? "OPEN" : "HALF_OPEN";
}
var short = (iso) => iso.replace(/\.000Z$/, "Z");
function describeBreaker(b, now) {
  const state = breakerState(b, now);
  const t = b.trippedBy;
  const who2 = t ? ` by ${t.agent}${t.change ? ` (${t.change})` : ""} at ${short(t.at)}: ${t.error}` : "";
  const reset = `\`pucs breaker reset --stream ${b.stream} --reason "\u2026"\` or \`/pucs breaker reset -- reason\` closes it`;
  if (state === "OPEN") {
    return `The ${b.stream} circuit breaker is OPEN (${b.failures.length} failure${b.failures.length === 1 ? "" : "s"}; tripped${who2}); it half-opens at ${short(b.halfOpensAt)}. ${reset}.`;
  }
  if (state === "HALF_OPEN") {
    const trial = b.trial ? `${b.trial.agent}${b.trial.change ? ` (${b.trial.change})` : ""} holds the one trial` : "the next claim in the stream is the one trial";
    return `The ${b.stream} circuit breaker is HALF_OPEN (tripped${who2}): ${trial}; a green check suite closes it. ${reset}.`;
  }
  return `The ${b.stream} circuit breaker is CLOSED (${b.failures.length} recent failure${b.failures.length === 1 ? "" : "s"}).`;
}

// src/engine/arbitrate.ts
function fnv(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
function conflictKey(c) {
  return `${c.type}:${c.holderStream ?? "-"}:${c.file}@${fnv(c.details)}`;
}
var isArbitrate = (c) => c.strategy === "ARBITRATE";
function arbitrationOf(l, change) {
  return (l.arbitrations ?? []).find((a) => a.change === change) ?? null;
}
function decisionFor(a, key) {
  if (!a) return null;
  for (let i = a.decisions.length - 1; i >= 0; i--) if (a.decisions[i].keys.includes(key)) return a.decisions[i];
  return null;
}
function withDecisions(conflicts, l, change) {
  const a = arbitrationOf(l, change);
  if (!a || a.decisions.length === 0) return conflicts;
  return conflicts.map((c) => {
    if (!isArbitrate(c)) return c;
    const d = decisionFor(a, conflictKey(c));
    return d ? { ...c, decided: { by: d.by, note: d.note, at: d.at } } : c;
  });
}
function coordinatorsOfStream(config, stream) {
  const s = stream === null ? void 0 : config.streams.find((x) => x.id === stream);
  return s && s.coordinators.length > 0 ? s.coordinators : config.coordinators;
}
function splitCoordinators(list) {
  const reviewers = [];
  const teams = [];
  for (const raw of list) {
    const v = raw.replace(/^@/, "");
    const into = v.includes("/") ? teams : reviewers;
    if (!into.some((x) => x.toLowerCase() === v.toLowerCase())) into.push(v);
  }
  return { reviewers, teams };
}
function coordinatorsFor(conflicts, config, exclude = null) {
  const all = conflicts.filter((c) => isArbitrate(c) && !c.decided).flatMap((c) => coordinatorsOfStream(config, c.holderStream));
  const out = splitCoordinators(all);
  return exclude === null ? out : { reviewers: out.reviewers.filter((r) => r.toLowerCase() !== exclude.toLowerCase()), teams: out.teams };
}
function namesOf(c) {
  return [...c.reviewers, ...c.teams].map((x) => `@${x}`).join(", ");
}
function decidedNotes(conflicts) {
  return conflicts.filter((c) => c.decided).map((c) => `${c.type}${c.file ? ` \`${c.file}\`` : ""}: decided by @${c.decided.by}: ${c.decided.note || "(no note)"}`);
}
function coordinatorsNote(conflicts, config) {
  const c = coordinatorsFor(conflicts, config);
  if (c.reviewers.length + c.teams.length === 0) return [];
  return [`Coordinators asked to review (ARBITRATE): ${namesOf(c)}; one of them, or a maintainer, records the decision with \`/pucs decide -- note\`.`];
}
function openRollbacks(l, stream) {
  if (stream === null) return [];
  return (l.merges ?? []).filter((m) => m.stream === stream && m.rollback !== void 0 && m.rollback.done === void 0);
}
function rollbackNotes(l, stream, self = null) {
  return openRollbacks(l, stream).filter((m) => m.change !== self).map((m) => `ROLLBACK suggested: ${m.change}${m.title ? ` ("${m.title}")` : ""} of ${m.stream} merged as ${m.mergeSha.slice(0, 7)} and fails on the default branch (${m.rollback.checks.join(", ") || "CI"}). A maintainer reverts it with \`/pucs rollback\` on ${m.change} (or \`pucs rollback ${m.mergeSha.slice(0, 7)}\` locally); rebase onto the revert before merging.`);
}

// src/engine/symbols.ts
var BY_EXTENSION = {
  py: "python",
  pyi: "python",
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  tsx: "tsx",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "javascript",
  go: "go",
  rs: "rust",
  java: "java",
  cs: "c-sharp",
  c: "cpp",
  h: "cpp",
  cc: "cpp",
  cpp: "cpp",
  cxx: "cpp",
  hh: "cpp",
  hpp: "cpp",
  hxx: "cpp",
  rb: "ruby"
};
function languageOf(path2) {
  const base = path2.slice(path2.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return null;
  return BY_EXTENSION[base.slice(dot + 1).toLowerCase()] ?? null;
}
var FUNCTION_VALUES = /* @__PURE__ */ new Set(["arrow_function", "function_expression", "function", "generator_function", "class", "class_expression"]);
function definitionOf(node, lang) {
  const named = (field = "name") => node.childForFieldName(field)?.text ?? null;
  const make = (kind, name) => name ? { kind, name } : null;
  switch (lang) {
    case "python":
      if (node.type === "function_definition") return make("function", named());
      if (node.type === "class_definition") return make("class", named());
      return null;
    case "typescript":
    case "tsx":
    case "javascript":
      switch (node.type) {
        case "function_declaration":
        case "generator_function_declaration":
        case "function_signature":
          return make("function", named());
        case "class_declaration":
        case "abstract_class_declaration":
          return make("class", named());
        case "interface_declaration":
        case "enum_declaration":
          return make("type", named());
        case "internal_module":
        case "module":
          return make("module", named());
        case "method_definition":
        case "method_signature":
        case "abstract_method_signature":
          return make("method", named());
        case "variable_declarator": {
          const value = node.childForFieldName("value");
          return value && FUNCTION_VALUES.has(value.type) ? make(value.type.startsWith("class") ? "class" : "function", named()) : null;
        }
        case "public_field_definition":
        case "field_definition": {
          const value = node.childForFieldName("value");
          const name = node.childForFieldName("name") ?? node.childForFieldName("property");
          return value && FUNCTION_VALUES.has(value.type) ? make("method", name?.text ?? null) : null;
        }
        case "assignment_expression": {
          const value = node.childForFieldName("right");
          const left = node.childForFieldName("left");
          const name = left && (left.type === "identifier" || left.type === "member_expression") ? left.text.replace(/\s+/g, "") : null;
          return value && FUNCTION_VALUES.has(value.type) ? make(value.type.startsWith("class") ? "class" : "function", name) : null;
        }
        case "pair": {
          const value = node.childForFieldName("value");
          return value && FUNCTION_VALUES.has(value.type) ? make("function", named("key")) : null;
        }
        default:
          return null;
      }
    case "go":
      if (node.type === "function_declaration") return make("function", named());
      if (node.type === "method_declaration") {
        const name = named();
        const receiver = node.childForFieldName("receiver")?.text ?? "";
        const type = /([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\s*\)\s*$/.exec(receiver)?.[1];
        return make("method", name && type ? `${type}.${name}` : name);
      }
      if (node.type === "type_spec") {
        const t = node.childForFieldName("type")?.type;
        return t === "struct_type" || t === "interface_type" ? make("type", named()) : null;
      }
      return null;
    case "rust":
      switch (node.type) {
        case "function_item":
        case "function_signature_item":
          return make("function", named());
        case "struct_item":
        case "enum_item":
        case "union_item":
          return make("type", named());
        case "trait_item":
          return make("type", named());
        case "mod_item":
          return make("module", named());
        case "impl_item": {
          const type = node.childForFieldName("type")?.text ?? null;
          const trait = node.childForFieldName("trait")?.text;
          return make("type", type && trait ? `<${type} as ${trait}>` : type);
        }
        default:
          return null;
      }
    case "java":
    case "c-sharp":
      switch (node.type) {
        case "class_declaration":
        case "interface_declaration":
        case "enum_declaration":
        case "record_declaration":
        case "struct_declaration":
        case "record_struct_declaration":
        case "annotation_type_declaration":
          return make("class", named());
        case "method_declaration":
        case "constructor_declaration":
        case "destructor_declaration":
        case "compact_constructor_declaration":
        case "local_function_statement":
          return make("method", named());
        default:
          return null;
      }
    case "cpp":
      switch (node.type) {
        case "function_definition":
          return make("function", declaratorName(node.childForFieldName("declarator")));
        case "class_specifier":
        case "struct_specifier":
        case "union_specifier":
        case "enum_specifier":
          return node.childForFieldName("body") ? make("class", named()) : null;
        case "namespace_definition":
          return make("module", named());
        default:
          return null;
      }
    case "ruby":
      switch (node.type) {
        case "method":
          return make("method", named());
        case "singleton_method":
          return make("method", named());
        case "class":
        case "module":
          return make(node.type === "class" ? "class" : "module", named());
        default:
          return null;
      }
  }
}
function declaratorName(d) {
  for (let k = 0; d && k < 16; k++) {
    switch (d.type) {
      case "identifier":
      case "field_identifier":
      case "qualified_identifier":
      case "destructor_name":
      case "operator_name":
      case "template_function":
        return d.text;
      default: {
        const inner = d.childForFieldName("declarator");
        if (inner) d = inner;
        else return null;
      }
    }
  }
  return null;
}
function linesOf(node) {
  const start = node.startPosition.row + 1;
  const end = node.endPosition.column === 0 && node.endPosition.row > node.startPosition.row ? node.endPosition.row : node.endPosition.row + 1;
  return { start, end };
}
var WRAPPERS = /* @__PURE__ */ new Set(["decorated_definition", "export_statement", "template_declaration"]);
function definitionsOf(root, lang) {
  const out = [];
  const stack = [[root, "", 0, null]];
  while (stack.length > 0) {
    const [node, prefix2, depth, wrapStart] = stack.pop();
    const def = definitionOf(node, lang);
    let childPrefix = prefix2;
    let childDepth = depth;
    if (def) {
      const { start, end } = linesOf(node);
      const name = prefix2 ? `${prefix2}.${def.name}` : def.name;
      const kind = def.kind === "function" && prefix2 ? "method" : def.kind;
      out.push({ name, kind, start: wrapStart !== null ? Math.min(wrapStart, start) : start, end, depth });
      childPrefix = name;
      childDepth = depth + 1;
    }
    const passStart = WRAPPERS.has(node.type) ? wrapStart ?? linesOf(node).start : null;
    const kids = node.namedChildren;
    for (let k = kids.length - 1; k >= 0; k--) {
      const kid = kids[k];
      if (kid) stack.push([kid, childPrefix, childDepth, passStart]);
    }
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out;
}
function enclosingDefinition(defs, range2) {
  const insertion = range2.end < range2.start;
  const lo = insertion ? range2.start - 1 : range2.start;
  const hi = insertion ? range2.start : range2.end;
  let best = null;
  for (const d of defs) {
    if (d.start > lo) break;
    if (d.end >= hi && (best === null || d.end - d.start <= best.end - best.start)) best = d;
  }
  return best;
}
var MAX_SYMBOL_FILES = 20;
function partitionedFiles(ev) {
  const out = [];
  for (const c of ev.conflicts) {
    if (c.type !== "INTENT_OVERLAP" || c.strategy !== "PARTITION" || out.some((f) => f.path === c.file)) continue;
    const lang = languageOf(c.file);
    if (lang) out.push({ path: c.file, lang });
    if (out.length >= MAX_SYMBOL_FILES) break;
  }
  return out;
}

// src/engine/commit-protocol.ts
var PREFIX = /^\[PUCS-([^\]\s]*)\]/i;
function commitPrefixStream(message) {
  const m = PREFIX.exec(subjectOf(message));
  return m && m[1] ? m[1] : null;
}
function subjectOf(message) {
  const nl = message.indexOf("\n");
  return (nl === -1 ? message : message.slice(0, nl)).replace(/\r$/, "").trim();
}

// src/engine/membership.ts
var LABEL_PREFIX = "pucs:stream:";
function streamLabel(id) {
  return `${LABEL_PREFIX}${id}`;
}
function parseStreamLabel(label) {
  const t = label.trim();
  if (t.length <= LABEL_PREFIX.length || t.slice(0, LABEL_PREFIX.length).toLowerCase() !== LABEL_PREFIX) return null;
  const id = t.slice(LABEL_PREFIX.length).trim();
  return id === "" ? null : id;
}
function findStream(config, raw) {
  const lower = raw.toLowerCase();
  return config.streams.find((s) => s.id.toLowerCase() === lower);
}
function configured(config) {
  return config.streams.map((s) => s.id).join(", ") || "none";
}
function streamOfBranch(branch, config) {
  const name = branch.replace(/^refs\/heads\//, "");
  const m = /^feature\/stream-(.+)$/i.exec(name);
  if (!m) return null;
  const rest = m[1].toLowerCase();
  let best;
  for (const s of config.streams) {
    const id = s.id.toLowerCase();
    if ((rest === id || rest.startsWith(`${id}-`)) && (!best || s.id.length > best.id.length)) best = s;
  }
  if (best) return { id: best.id };
  return { unknown: m[1].split("-")[0] };
}
function streamOfChange(change, config, classes_) {
  const problems = [];
  const order = new Map(config.streams.map((s, i) => [s.id, i]));
  const classes = classes_ ?? classify(
    change.files.map((f) => f.path),
    config
  );
  const previous = classify(
    change.files.flatMap((f) => f.previousPath !== void 0 && f.previousPath !== f.path ? [f.previousPath] : []),
    config
  );
  const touched = /* @__PURE__ */ new Set();
  for (const c of classes) if (c.stream) touched.add(c.stream);
  for (const c of previous) if (c.stream) touched.add(c.stream);
  const streams = [...touched].sort((a, b) => order.get(a) - order.get(b));
  const result = (stream, source) => ({ stream, source, streams, problems });
  const labelled = [];
  for (const label of change.labels ?? []) {
    const raw = parseStreamLabel(label);
    if (raw === null) continue;
    const s = findStream(config, raw);
    if (!s) {
      problems.push(`label "${label}" names no configured stream (configured: ${configured(config)}); rename it to ${streamLabel("<STREAM>")} with one of those ids`);
      continue;
    }
    if (!labelled.includes(s.id)) labelled.push(s.id);
  }
  if (labelled.length > 1) {
    problems.push(`labels name ${labelled.length} streams (${labelled.map(streamLabel).join(", ")}); keep exactly one ${streamLabel("<STREAM>")} label`);
  } else if (labelled.length === 1) {
    return result(labelled[0], "label");
  }
  const counts = /* @__PURE__ */ new Map();
  const unknownCommitIds = [];
  const subjects = change.title ? [change.title, ...change.commitMessages ?? []] : change.commitMessages ?? [];
  for (const message of subjects) {
    const raw = commitPrefixStream(message);
    if (raw === null) continue;
    const s = findStream(config, raw);
    if (!s) {
      if (!unknownCommitIds.includes(raw)) unknownCommitIds.push(raw);
      continue;
    }
    counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
  }
  for (const raw of unknownCommitIds) {
    problems.push(`commit prefix "[PUCS-${raw}]" names no configured stream (configured: ${configured(config)})`);
  }
  const byCommits = mostCommon(counts, order);
  if (byCommits) return result(byCommits, "commit");
  if (change.branch) {
    const b = streamOfBranch(change.branch, config);
    if (b && "id" in b) return result(b.id, "branch");
    if (b) {
      problems.push(
        `branch "${change.branch}" names no configured stream ("${b.unknown}"; configured: ${configured(config)}); name it feature/stream-<STREAM> or feature/stream-<STREAM>-<topic>`
      );
    }
  }
  const owned = /* @__PURE__ */ new Map();
  for (const c of classes) if (c.stream) owned.set(c.stream, (owned.get(c.stream) ?? 0) + 1);
  const byFiles = mostCommon(owned, order);
  if (byFiles) return result(byFiles, "files");
  return result(null, "none");
}
function mostCommon(counts, order) {
  let best = null;
  let bestCount = 0;
  for (const [id, n] of counts) {
    if (n > bestCount || n === bestCount && best !== null && order.get(id) < order.get(best)) {
      best = id;
      bestCount = n;
    }
  }
  return best;
}

// src/engine/evaluate.ts
function push2(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
function firstSegment(p) {
  const slash = p.indexOf("/");
  return slash === -1 ? p : p.slice(0, slash);
}
function candidates(buckets, path2) {
  if (buckets.size === 0) return void 0;
  const own = buckets.get(firstSegment(path2));
  const any = buckets.get("");
  return own && any ? [...own, ...any] : own ?? any;
}
var NONE = [];
function indexFor(ledger, paths, wantAllFootprints) {
  const literalLocks = /* @__PURE__ */ new Map();
  const globLocks = /* @__PURE__ */ new Map();
  const literalIntents = /* @__PURE__ */ new Map();
  const globIntents = /* @__PURE__ */ new Map();
  const footprints = /* @__PURE__ */ new Map();
  const expires = /* @__PURE__ */ new Map();
  for (const lock of ledger.locks) {
    expires.set(lock, Date.parse(lock.expiresAt));
    if (isGlob(lock.path)) {
      const prefix2 = compileGlob(lock.path).literalPrefix;
      push2(globLocks, firstSegment(prefix2), { lock, prefix: prefix2 });
    } else push2(literalLocks, lock.path, lock);
  }
  for (const intent of ledger.intents) {
    expires.set(intent, Date.parse(intent.expiresAt));
    for (const f of intent.files) {
      if (isGlob(f)) {
        const prefix2 = compileGlob(f).literalPrefix;
        push2(globIntents, firstSegment(prefix2), { intent, pattern: f, prefix: prefix2 });
      } else push2(literalIntents, f, intent);
    }
  }
  for (const footprint of ledger.footprints) {
    for (const file of footprint.files) {
      if (wantAllFootprints || paths.has(file.path)) push2(footprints, file.path, { footprint, file });
      const from = file.previousPath;
      if (from !== void 0 && from !== file.path && (wantAllFootprints || paths.has(from))) push2(footprints, from, { footprint, file });
    }
  }
  return { literalLocks, globLocks, literalIntents, globIntents, footprints, expires };
}
var TYPE_ORDER = { LOCKED: 0, CAPACITY: 1, INTENT_OVERLAP: 2, DEPENDENCY: 3, CRITICAL: 4 };
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function compareConflicts(a, b) {
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || cmp(a.file, b.file) || cmp(a.holderChange ?? a.holder, b.holderChange ?? b.holder) || cmp(a.strategy, b.strategy);
}
function formatRanges(ranges) {
  return ranges.map((r) => r.end < r.start ? `before line ${r.start}` : r.start === r.end ? `line ${r.start}` : `lines ${r.start}-${r.end}`).join(", ");
}
function rangesOf(file) {
  if (file.hunks === null) return null;
  return file.hunks.flatMap((h) => h.changes.map((c) => h.section && c.section === void 0 ? { ...c, section: h.section } : c));
}
function who(agent, change) {
  return change ? `${change} (${agent})` : agent;
}
function coordinatorsOf(stream, config) {
  const list = stream && stream.coordinators.length > 0 ? stream.coordinators : config.coordinators;
  if (list.length > 0) return list.join(", ");
  return stream ? `the ${stream.id} stream's coordinators` : "a coordinator";
}
function evaluate(change, ledger, config, now, options = {}) {
  const paths = change.files.map((f) => f.path);
  const touchedPaths = new Set(paths);
  for (const f of change.files) {
    const from = renamedFrom(f);
    if (from !== void 0) touchedPaths.add(from);
  }
  const globPaths = new Set([...touchedPaths].filter((p) => isGlob(p)));
  const declaresGlobs = globPaths.size > 0;
  const index = indexFor(ledger, touchedPaths, declaresGlobs);
  const isLive = (entry, at) => (index.expires.get(entry) ?? Date.parse(entry.expiresAt)) > at;
  const streamsById = new Map(config.streams.map((s) => [s.id, s]));
  const classes = classify(paths, config);
  let stream;
  let streamSource;
  if (options.stream !== void 0 && options.stream !== null) {
    stream = options.stream;
    streamSource = "declared";
  } else {
    const m = streamOfChange(change, config, classes);
    stream = m.stream;
    streamSource = m.source;
  }
  const myStream = stream ? streamsById.get(stream) : void 0;
  const conflicts = [];
  const seen = /* @__PURE__ */ new Set();
  const add = (c, key) => {
    if (seen.has(key)) return;
    seen.add(key);
    conflicts.push(c);
  };
  const isSelf = (entry) => ownsClaim(change, entry);
  const activeByStream = /* @__PURE__ */ new Map();
  const noteActive = (s, holder) => {
    if (!s) return;
    const list = activeByStream.get(s) ?? [];
    if (!list.includes(holder)) list.push(holder);
    activeByStream.set(s, list);
  };
  for (const fp of ledger.footprints) if (!isSelf(fp) && !fp.draft) noteActive(fp.stream, fp.change);
  for (const it of ledger.intents) if (isLive(it, now) && !isSelf(it)) noteActive(it.stream, it.change ?? it.agent);
  for (const l of ledger.locks) if (isLive(l, now) && !isSelf(l)) noteActive(l.stream, l.change ?? l.agent);
  const lockConflict = (path2, lock) => {
    add(
      {
        type: "LOCKED",
        strategy: "QUEUE",
        file: path2,
        holder: lock.agent,
        ...lock.change ? { holderChange: lock.change } : {},
        holderStream: lock.stream,
        details: `Locked by ${who(lock.agent, lock.change)}${lock.stream ? ` for ${lock.stream}` : ""} until ${lock.expiresAt}${lock.task ? `: ${lock.task}` : ""}.`,
        nextStep: `Wait until ${who(lock.agent, lock.change)} releases ${lock.path} or the lock expires at ${lock.expiresAt}; to be next in line run \`/pucs queue ${path2}\` on the PR or \`pucs queue ${path2}\` locally.`,
        until: lock.expiresAt
      },
      `L|${path2}|${lock.lease}`
    );
  };
  const intentConflict = (path2, intent, merge) => {
    add(
      {
        type: "INTENT_OVERLAP",
        strategy: merge ? "MERGE" : "PARTITION",
        file: path2,
        holder: intent.agent,
        ...intent.change ? { holderChange: intent.change } : {},
        holderStream: intent.stream,
        details: `${who(intent.agent, intent.change)}${intent.stream ? ` (${intent.stream})` : ""} intends to work on ${path2}: ${intent.description}.`,
        nextStep: merge ? `${path2} is a hot file merged mechanically: go ahead, and rebase after ${who(intent.agent, intent.change)} merges.` : `Agree with ${who(intent.agent, intent.change)} who takes which part of ${path2} (split by function), or work on other files until their intent ends at ${intent.expiresAt}.`
      },
      `I|${path2}|${intent.id}`
    );
  };
  const footprintConflict = (path2, mine, fp, theirs, hotMerge, renamed = NO_RENAMES, mineAlt) => {
    const other2 = `${fp.change}${fp.stream ? ` (${fp.stream})` : ""}`;
    const renameClash = renameConflict(path2, mine, theirs.changes, renamed, fp.change);
    if (renameClash) {
      add(
        {
          type: "INTENT_OVERLAP",
          strategy: "PARTITION",
          file: path2,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: `${other2} ${renameClash.details}`,
          nextStep: renameClash.nextStep
        },
        `F|${path2}|${fp.change}`
      );
      return;
    }
    let compared = compareChanges(mine, theirs.changes);
    let realigned = false;
    if (compared.overlap === null && mine !== null && theirs.changes !== null && (mineAlt !== void 0 || theirs.alt !== void 0)) {
      const again = compareChanges(mineAlt ?? mine, theirs.alt ?? theirs.changes);
      if (again.overlap !== null) {
        compared = again;
        realigned = true;
      }
    }
    const overlap = compared.overlap;
    const moved = renameNote(renamed, fp.change);
    if (overlap === null && !hotMerge && compared.identical.length > 0) {
      const same = formatRanges(compared.identical);
      add(
        {
          type: "INTENT_OVERLAP",
          strategy: "MERGE",
          file: path2,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: `${other2} already makes this exact change to ${same} of ${path2}; any other lines are disjoint.${moved}`,
          nextStep: `Duplicate work: git merges identical changes cleanly, so this is safe in parallel; agree with ${fp.change} which of you keeps the edit to ${same} and drop it from the other.`
        },
        `F|${path2}|${fp.change}`
      );
      return;
    }
    if (overlap === null || hotMerge) {
      add(
        {
          type: "INTENT_OVERLAP",
          strategy: "MERGE",
          file: path2,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: hotMerge ? `${other2} also changes ${path2}, a hot file that merges mechanically.` : `${other2} also changes ${path2}, in other lines: the changes are disjoint.${moved}`,
          nextStep: `Safe in parallel: whichever merges second rebases onto the first (git merges disjoint hunks cleanly).`
        },
        `F|${path2}|${fp.change}`
      );
      return;
    }
    const mineNames = overlap.mine.length > 0 ? overlap.mine.join(", ") : "its lines";
    const theirNames = overlap.theirs.length > 0 ? overlap.theirs.join(", ") : "its lines";
    const defs = options.symbols?.get(path2);
    const both = compared.mineRegions.length > 0 && compared.theirRegions.length > 0;
    const nameOf = defs ? (r) => enclosingDefinition(defs, r)?.name ?? null : both && storedNames(compared.mineRegions) && storedNames(compared.theirRegions) ? (r) => r.symbol ?? null : null;
    const named = nameOf && both ? namedSides(nameOf, compared.mineRegions, compared.theirRegions) : null;
    const nextStep = named ? named.sameSymbol ? `Both change \`${named.sameSymbol}\` (this change: ${named.mineLines}; ${fp.change}: ${named.theirLines}): one should land first \u2014 queue behind ${fp.change} and rebase onto it, or hand this edit to ${fp.change}.` : `${fp.change} changes ${named.theirs}, this change changes ${named.mine}: split by function \u2014 keep each edit inside its own, or queue behind ${fp.change}.` : `Partition ${path2} with ${fp.change}: this change keeps ${mineNames}, ${fp.change} keeps ${theirNames}; move the overlapping edit (${formatRanges(overlap.overlapping)}) to one side, or queue behind ${fp.change}.`;
    add(
      {
        type: "INTENT_OVERLAP",
        strategy: "PARTITION",
        file: path2,
        holder: fp.agent,
        holderChange: fp.change,
        holderStream: fp.stream,
        details: `${other2} changes the same lines of ${path2} (${formatRanges(overlap.overlapping)}${realigned ? ", as git's merge aligns the two versions" : ""}).${moved}`,
        nextStep,
        lines: named ? { overlapping: overlap.overlapping, mine: named.mineSymbols, theirs: named.theirSymbols } : overlap
      },
      `F|${path2}|${fp.change}`
    );
  };
  const criticalHits = /* @__PURE__ */ new Map();
  change.files.forEach((file, i) => {
    const owner = classes[i]?.stream ?? null;
    const hot = hotFileMode(file.path, config);
    if (hot === "ignore") return;
    const hotMerge = hot === "merge";
    const from = renamedFrom(file);
    const touched = from !== void 0 ? [file.path, from] : [file.path];
    const baseFile = from ?? file.path;
    let mine;
    let mineAlt;
    for (const path2 of touched) {
      if (declaresGlobs && globPaths.has(path2)) {
        for (const lock of ledger.locks) if (isLive(lock, now) && !isSelf(lock) && globsIntersect(path2, lock.path)) lockConflict(path2, lock);
        for (const intent of ledger.intents) {
          if (!isLive(intent, now) || isSelf(intent)) continue;
          if (intent.files.some((f) => globsIntersect(path2, f))) intentConflict(path2, intent, hotMerge);
        }
        for (const [fpPath, entries] of index.footprints) {
          if (!matchesGlob(fpPath, path2)) continue;
          for (const { footprint, file: theirs } of entries) if (!isSelf(footprint)) footprintConflict(fpPath, null, footprint, theirs, hotMerge);
        }
        continue;
      }
      for (const lock of index.literalLocks.get(path2) ?? NONE) if (isLive(lock, now) && !isSelf(lock)) lockConflict(path2, lock);
      for (const { lock, prefix: prefix2 } of candidates(index.globLocks, path2) ?? NONE) {
        if (path2.startsWith(prefix2) && isLive(lock, now) && !isSelf(lock) && matchesGlob(path2, lock.path)) lockConflict(path2, lock);
      }
      for (const intent of index.literalIntents.get(path2) ?? NONE) if (isLive(intent, now) && !isSelf(intent)) intentConflict(path2, intent, hotMerge);
      for (const { intent, pattern, prefix: prefix2 } of candidates(index.globIntents, path2) ?? NONE) {
        if (path2.startsWith(prefix2) && isLive(intent, now) && !isSelf(intent) && matchesGlob(path2, pattern)) intentConflict(path2, intent, hotMerge);
      }
      for (const { footprint, file: theirs } of index.footprints.get(path2) ?? NONE) {
        if (isSelf(footprint)) continue;
        if ((theirs.previousPath ?? theirs.path) === baseFile) {
          if (mine === void 0) {
            mine = rangesOf(file);
            mineAlt = altRegions(file);
          }
          footprintConflict(baseFile, mine, footprint, theirs, hotMerge, { mine: from === void 0 ? null : file.path, theirs: theirs.previousPath === void 0 ? null : theirs.path }, mineAlt);
        } else {
          footprintConflict(path2, null, footprint, theirs, hotMerge);
        }
      }
    }
    if (myStream) {
      let depStream = null;
      let area = null;
      if (owner && owner !== myStream.id && myStream.dependsOn.includes(owner)) depStream = owner;
      else if (owner !== myStream.id) {
        area = areaOf(file.path, config).find((a) => myStream.dependsOnAreas.includes(a)) ?? null;
        if (area) depStream = owner;
      }
      if (depStream !== null || area !== null) {
        const ownerCfg2 = depStream ? streamsById.get(depStream) : void 0;
        const open = depStream ? activeByStream.get(depStream) ?? [] : [];
        const what = area ? `area \`${area}\`${depStream ? ` (owned by ${depStream})` : ""}` : `stream ${depStream}`;
        add(
          {
            type: "DEPENDENCY",
            strategy: open.length > 0 ? "QUEUE" : "ARBITRATE",
            file: file.path,
            holder: open[0] ?? coordinatorsOf(ownerCfg2, config),
            holderStream: depStream,
            details: `${file.path} belongs to ${what}, which ${myStream.id} depends on.`,
            nextStep: open.length > 0 ? `Queue behind ${depStream}'s open work (${open.slice(0, 5).join(", ")}): merge after it, or hand this edit to ${depStream}.` : `Ask ${coordinatorsOf(ownerCfg2, config)} to approve changing ${area ? `\`${area}\`` : depStream} from ${myStream.id}, or move the edit into a ${depStream ?? area} change.`
          },
          `D|${file.path}`
        );
      }
    }
    const ownerCfg = owner ? streamsById.get(owner) : void 0;
    if (ownerCfg) {
      if (ownerCfg.critical) {
        const list = criticalHits.get(ownerCfg.id) ?? [];
        list.push(file.path);
        criticalHits.set(ownerCfg.id, list);
      } else if (isCriticalFile(file.path, ownerCfg)) {
        add(
          {
            type: "CRITICAL",
            strategy: "ARBITRATE",
            file: file.path,
            holder: coordinatorsOf(ownerCfg, config),
            holderStream: ownerCfg.id,
            details: `${file.path} is a critical file of ${ownerCfg.id}.`,
            nextStep: `Ask ${coordinatorsOf(ownerCfg, config)} to review this change to ${file.path} before it merges.`
          },
          `C|${file.path}`
        );
      }
    }
  });
  for (const [id, files] of criticalHits) {
    const s = streamsById.get(id);
    const shown = files.slice(0, 5).join(", ") + (files.length > 5 ? ` and ${files.length - 5} more` : "");
    add(
      {
        type: "CRITICAL",
        strategy: "ARBITRATE",
        file: files[0] ?? "",
        holder: coordinatorsOf(s, config),
        holderStream: id,
        details: `${id} is a critical stream; this change touches ${files.length} of its file(s): ${shown}.`,
        nextStep: `Ask ${coordinatorsOf(s, config)} to review before it merges.`
      },
      `CS|${id}`
    );
  }
  if (myStream) {
    const active = activeByStream.get(myStream.id) ?? [];
    if (active.length >= myStream.maxAgents) {
      const shown = active.slice(0, 6).join(", ") + (active.length > 6 ? ` and ${active.length - 6} more` : "");
      add(
        {
          type: "CAPACITY",
          strategy: "QUEUE",
          file: "",
          holder: active.join(", "),
          holderStream: myStream.id,
          details: `${myStream.id} already has ${active.length} active (max_agents ${myStream.maxAgents}): ${shown}.`,
          nextStep: `Wait until one of them merges or releases its claims, pick work in another stream, or raise max_agents for ${myStream.id}.`
        },
        "CAP"
      );
    }
  }
  conflicts.sort(compareConflicts);
  const judged = withDecisions(conflicts, ledger, change.id);
  return {
    change: change.id,
    stream,
    streamSource,
    files: classes.map((c) => ({ path: c.path, stream: c.stream, also: c.also })),
    conflicts: judged,
    verdict: verdictOf(judged),
    // Notes, not conflicts: the stream's circuit breaker (seed ?3.3) when it is not CLOSED, a ROLLBACK
    // suggested for a merged change of the stream (seed ?8.1), the coordinators asked, the decisions.
    suggestions: [
      ...breakerNote(ledger, stream, now),
      ...rollbackNotes(ledger, stream, change.id),
      ...coordinatorsNote(judged, config),
      ...decidedNotes(judged),
      ...new Set(judged.filter((c) => !c.decided).map((c) => c.nextStep))
    ].slice(0, 10)
  };
}
function breakerNote(ledger, stream, now) {
  const b = breakerOf(ledger, stream);
  return b && breakerState(b, now) !== "CLOSED" ? [describeBreaker(b, now)] : [];
}
var NO_RENAMES = { mine: null, theirs: null };
var NOTHING = textHash([], false);
function renameConflict(path2, mine, theirs, renamed, other2) {
  if (renamed.mine !== null && renamed.theirs !== null && renamed.mine !== renamed.theirs) {
    return {
      details: `renames ${path2} to ${renamed.theirs}; this change renames it to ${renamed.mine}: git stops on the two names (a rename/rename conflict), whatever the lines.`,
      nextStep: `Agree with ${other2} on one name for ${path2} (${renamed.mine} or ${renamed.theirs}): one of you drops the rename and rebases onto the other, or queue behind ${other2}.`
    };
  }
  const deletes = (rs) => rs === null || rs.length === 1 && rs[0].start === 1 && rs[0].end >= 1 && rs[0].hash === NOTHING;
  const pureRename = (rs, to) => to !== null && rs !== null && rs.length === 0;
  if (pureRename(mine, renamed.mine) && deletes(theirs) || pureRename(theirs, renamed.theirs) && deletes(mine)) {
    const to = renamed.mine ?? renamed.theirs;
    const who2 = renamed.mine !== null ? "this change renames" : `${other2} renames`;
    return {
      details: `may delete ${path2} (it removes every line from line 1, or its patch is unknown) while ${who2} it to ${to}: git stops on a rename/delete conflict.`,
      nextStep: `Agree with ${other2} whether ${path2} stays (as ${to}) or goes, or queue behind ${other2}.`
    };
  }
  return null;
}
function renameNote(renamed, other2) {
  if (renamed.mine !== null && renamed.mine === renamed.theirs) return ` Both rename it to ${renamed.mine}.`;
  if (renamed.theirs !== null) return ` ${other2} renames it to ${renamed.theirs}: git carries this change's edits there.`;
  if (renamed.mine !== null) return ` This change renames it to ${renamed.mine}: git carries ${other2}'s edits there.`;
  return "";
}
var storedNames = (rs) => rs.every((r) => r.symbol !== void 0);
function namedSides(nameOf, mine, theirs) {
  const side = (regions) => {
    const groups = /* @__PURE__ */ new Map();
    for (const r of regions) {
      const name = nameOf(r);
      const list = groups.get(name);
      if (list) list.push(r);
      else groups.set(name, [r]);
    }
    const text = [...groups].map(([name, rs]) => name === null ? formatRanges(rs) : `\`${name}\` (${formatRanges(rs)})`).join(", ");
    return { text, names: [...groups.keys()], lines: formatRanges(regions) };
  };
  const a = side(mine);
  const b = side(theirs);
  const only = (names) => names.length === 1 ? names[0] : null;
  const sameSymbol = only(a.names) !== null && only(a.names) === only(b.names) ? only(a.names) : null;
  const symbols = (names) => names.filter((n) => n !== null);
  return { mine: a.text, theirs: b.text, mineLines: a.lines, theirLines: b.lines, mineSymbols: symbols(a.names), theirSymbols: symbols(b.names), sameSymbol };
}
function verdictOf(conflicts) {
  const open = conflicts.filter((c) => c.decided === void 0);
  if (open.some((c) => c.type === "LOCKED" || c.type === "CAPACITY")) return "blocked";
  if (open.some((c) => c.strategy !== "MERGE")) return "needs-decision";
  if (conflicts.length > 0) return "safe-overlap";
  return "clear";
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
var import_node_module = require("node:module");
var import_node_path3 = require("node:path");
var runtime = null;
var languages = /* @__PURE__ */ new Map();
var loaded = /* @__PURE__ */ new Map();
function resolveDir(pkg) {
  try {
    return (0, import_node_path3.dirname)((0, import_node_module.createRequire)(__pucsMetaUrl).resolve(pkg));
  } catch {
    return null;
  }
}
async function loadRuntime() {
  try {
    const dir = resolveDir("web-tree-sitter");
    if (!dir) return null;
    const ts = await __pucsImport("web-tree-sitter");
    await ts.Parser.init({ locateFile: (name) => (0, import_node_path3.join)(dir, name) });
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
          const language = await ts.Language.load((0, import_node_path3.join)(wasmDir, `tree-sitter-${lang}.wasm`));
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
function checkChange(g, agent, warn) {
  const parsed = parseUnifiedDiff(g.diff + g.untracked.diff);
  for (const path2 of g.untracked.whole) parsed.files.push({ path: path2, status: "added", hunks: null });
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

// src/cli/git-batch.ts
var import_node_child_process2 = require("node:child_process");
var MAX_BYTES = 64 * 1024 * 1024;
var quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
function batchScript(commands) {
  const fds = commands.map((_, k) => 3 + k);
  const lines2 = commands.map((args, k) => {
    const others = fds.filter((fd) => fd !== fds[k]).map((fd) => ` ${fd}>&-`).join("");
    return `{ git ${args.map(quote).join(" ")} 2>/dev/null; printf '\\n%d' $?; } >&${fds[k]}${others} &`;
  });
  return [...lines2, `exec${fds.map((fd) => ` ${fd}>&-`).join("")}`, "wait", ""].join("\n");
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
    child = (0, import_node_child_process2.spawn)("/bin/sh", ["-c", batchScript(commands)], {
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
      new Promise((resolve3) => {
        if (!pipe) return resolve3(null);
        const parts = [];
        let size = 0;
        pipe.on("data", (b) => {
          size += b.length;
          if (size <= MAX_BYTES) parts.push(b);
        });
        pipe.on("error", () => resolve3(null));
        pipe.on("end", () => resolve3(size > MAX_BYTES ? null : parseAnswer(Buffer.concat(parts))));
        pipe.on("close", () => resolve3(null));
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

// src/cli/ledger-choice.ts
var CACHE_KEY = "pucs.ledger";
var RECHECK_MS = 60 * 6e4;
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

// src/cli/check-fast.ts
var Defer = class extends Error {
};
var defer = (why) => {
  throw new Defer(why);
};
var lines = (s) => s.replace(/\n$/, "").split("\n");
async function gitRun(args, cwd, batch) {
  return await batch?.take(args, cwd) ?? await git(args, { cwd });
}
async function gitOut(args, cwd, batch) {
  const r = await gitRun(args, cwd, batch);
  if (r.code !== 0) defer(`git ${args[0]} exited ${r.code}`);
  return r.stdout;
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
  const [range2, ledger, originHead, ...candidates2] = groups;
  let mergeBase = null;
  if (withBase) {
    const mb = range2[2]?.slice(1);
    if (range2.length !== 3 || !range2.slice(0, 2).includes(headSha) || !range2[2].startsWith("^") || !mb || !SHA.test(mb)) return defer("not exactly one merge base");
    mergeBase = mb;
  }
  const target = originHead[0];
  let defaultBase = null;
  if (target && target !== ORIGIN_HEAD && target.startsWith("refs/remotes/")) defaultBase = target.slice("refs/remotes/".length);
  else defaultBase = BASE_REFS.find((_, i) => candidates2[i].length > 0)?.[0] ?? null;
  return { root, commonDir, headSha, mergeBase, ledgerSha: ledger[0] ?? null, defaultBase, branch: branchLine === "HEAD" ? null : branchLine };
}
async function ledgerAt(root, commonDir, sha) {
  const key = sha ?? "none";
  const hit = cacheGet(commonDir, "ledger", key);
  if (hit) return hit;
  const { GitRefStore } = await __pucsImport("src/git/ledger-store.ts");
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
    text = (0, import_node_fs4.readFileSync)(at.abs, "utf8");
  } catch {
    return defer("config unreadable");
  }
  const key = `${at.shown}\0${text}`;
  const hit = cacheGet(commonDir, "config", key);
  if (hit) return hit;
  const { parseConfig, formatIssue } = await __pucsImport("src/engine/config/index.ts");
  const r = parseConfig(text, at.shown);
  if (!r.ok) return defer("invalid config");
  const value = { config: r.config, warnings: r.warnings.map((w) => formatIssue(w) + "\n") };
  cachePut(commonDir, "config", key, value);
  return value;
}
async function fastCheck(argv, ctx, batch) {
  const plan = planCheck(argv, ctx.env);
  if (!plan) return null;
  if (globalThis[/* @__PURE__ */ Symbol.for("opentelemetry.js.api.1")] !== void 0) {
    const { trace } = await __pucsImport("@opentelemetry/api");
    if (trace.getTracer("pucs").startSpan("pucs.probe").isRecording()) return null;
  }
  const out = [];
  const err = [];
  try {
    const code = await run(plan, ctx, (s) => void out.push(s), (s) => void err.push(s), batch);
    for (const s of err) ctx.err(s);
    for (const s of out) ctx.out(s);
    return code;
  } catch (e) {
    if (e instanceof Defer) return null;
    return null;
  }
}
function started(p) {
  p.catch(() => {
  });
  return p;
}
function warmEngine(ledger, config) {
  classify([], config);
  for (const s of config.streams) isCriticalFile("", s);
  for (const path2 of [...ledger.locks.map((l) => l.path), ...ledger.intents.flatMap((i) => i.files)]) if (isGlob(path2)) compileGlob(path2);
}
async function run(plan, ctx, out, err, batch) {
  const { p, format, base: givenBase, local } = plan;
  const cwd = ctx.cwd;
  const now = ctx.now();
  const headP = started(gitOut(plan.revParse, cwd, batch));
  const diffP = plan.diff === null ? null : started(gitOut(plan.diff, cwd, batch));
  const untrackedP = started(gitOut(plan.untracked, cwd, batch));
  const [head, known] = await Promise.all([headP, plan.config === null ? null : gitRun(plan.config, cwd, batch).then(ledgerConfigOf)]);
  const choice = quickLedgerChoice(known ?? { value: null, remotes: [] }, { local, recheck: false, now, write: false });
  if (choice.kind !== "local") defer("not the local ledger, or the remote must be asked");
  const facts = repoFacts(head, givenBase !== void 0);
  const { root, commonDir, headSha, ledgerSha, defaultBase, branch } = facts;
  const base = givenBase ?? defaultBase ?? defer("no base branch");
  const override = str(p, "config");
  const bothThrough = (b) => Promise.all([gitOut(["merge-base", base, "HEAD"], cwd, b), gitOut(diffArgs(base), cwd, b)]);
  const second = started(
    givenBase !== void 0 ? Promise.all([facts.mergeBase, diffP]) : bothThrough(startGitBatch([diffArgs(base), ["merge-base", base, "HEAD"]], cwd))
  );
  const [ledger, cfg] = await Promise.all([ledgerAt(root, commonDir, ledgerSha), configOf(root, commonDir, override === void 0 ? void 0 : (0, import_node_path4.resolve)(cwd, override))]);
  warmEngine(ledger, cfg.config);
  const [[mergeBaseText, diff], untrackedList] = await Promise.all([second, untrackedP]);
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
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  fastCheck
});
