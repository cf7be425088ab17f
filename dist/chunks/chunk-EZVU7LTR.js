import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  FootprintSchema,
  GateOverrideSchema,
  compareAgents,
  compareFootprints,
  compareIntents,
  compareLocks,
  compareOverrides,
  compareQueues,
  serializeLedger
} from "./chunk-CSRU35QZ.js";
import {
  PatternIndex,
  breakerOf,
  breakerState,
  compareSpecificity,
  compileGlob,
  describeBreaker,
  formatDuration,
  globsIntersect,
  isGlob,
  matchesGlob
} from "./chunk-TZT2VDVM.js";

// src/engine/session.ts
var SESSION_ID_SHAPE = "PUCS-YYYYMMDD-NNN";
var SESSION_RE = /^PUCS-(\d{4})(\d{2})(\d{2})-(\d{3})$/;
function sessionIdProblem(id) {
  const m = SESSION_RE.exec(id);
  if (!m) return `expected ${SESSION_ID_SHAPE} (seed §9.1: the UTC date and the session's number that day, e.g. PUCS-20251207-001)`;
  const [, y, mo, d, n] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return `${y}-${mo}-${d} is not a date (${SESSION_ID_SHAPE})`;
  if (n === "000") return `the session's number starts at 001 (${SESSION_ID_SHAPE})`;
  return null;
}
function sessionDay(now) {
  return new Date(now).toISOString().slice(0, 10).replace(/-/g, "");
}
function sessionIdsOf(l) {
  const ids = [
    l.session?.id,
    ...(l.agents ?? []).map((a) => a.session),
    ...l.locks.map((k) => k.session),
    ...l.intents.map((i) => i.session),
    ...(l.handoffs ?? []).map((h) => h.session_id)
  ];
  return ids.filter((x) => typeof x === "string");
}
function nextSessionId(l, now) {
  const day = sessionDay(now);
  let max = 0;
  for (const id of sessionIdsOf(l)) {
    const m = SESSION_RE.exec(id);
    if (m && `${m[1]}${m[2]}${m[3]}` === day) max = Math.max(max, Number(m[4]));
  }
  if (max >= 999) throw new RangeError(`no free session id left for ${day}: PUCS-${day}-999 is taken (${SESSION_ID_SHAPE} counts to 999 a day)`);
  return `PUCS-${day}-${String(max + 1).padStart(3, "0")}`;
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
function mergedChange(l, ref) {
  const all = l.merges ?? [];
  if (/^#\d+$/.test(ref)) return all.find((m) => m.change === ref) ?? null;
  const r = ref.toLowerCase();
  if (r.length < 7) return null;
  return all.find((m) => m.mergeSha.toLowerCase().startsWith(r)) ?? null;
}
function rollbackNotes(l, stream, self = null) {
  return openRollbacks(l, stream).filter((m) => m.change !== self).map((m) => `ROLLBACK suggested: ${m.change}${m.title ? ` ("${m.title}")` : ""} of ${m.stream} merged as ${m.mergeSha.slice(0, 7)} and fails on the default branch (${m.rollback.checks.join(", ") || "CI"}). A maintainer reverts it with \`/pucs rollback\` on ${m.change} (or \`pucs rollback ${m.mergeSha.slice(0, 7)}\` locally); rebase onto the revert before merging.`);
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
    const path = paths[k];
    const matches = idx.streams.matchEntries(path);
    if (matches.length === 0) {
      out[k] = { path, stream: null, also: [] };
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
    out[k] = { path, stream: config.streams[best].id, also };
  }
  return out;
}
function isCriticalFile(path, stream) {
  if (stream.criticalFiles.length === 0) return false;
  let idx = criticalIndexes.get(stream);
  if (!idx) {
    idx = new PatternIndex(stream.criticalFiles.map((pattern) => ({ pattern, value: true })));
    criticalIndexes.set(stream, idx);
  }
  return idx.matchEntries(path).length > 0;
}
function hotFileMode(path, config) {
  if (config.hotFiles.length === 0) return null;
  const idx = indexOf(config);
  let best = null;
  let bestRank = Infinity;
  for (const m of idx.hot.matchEntries(path)) {
    const r = idx.rank.get(m.pattern);
    if (r < bestRank) {
      bestRank = r;
      best = m.value;
    }
  }
  return best === null ? null : config.hotFiles[best].mode;
}
function areaOf(path, config) {
  if (config.areas.length === 0) return [];
  const out = [];
  let last = -1;
  for (const m of indexOf(config).areas.matchEntries(path)) {
    if (m.value === last) continue;
    last = m.value;
    out.push(config.areas[m.value].name);
  }
  return out;
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
function textHash(lines, noNewline) {
  let h1 = 2166136261;
  let h2 = 2538058380;
  const mix = (code) => {
    h1 = Math.imul(h1 ^ code, 16777619);
    h2 = Math.imul(h2 ^ code, 1540483477);
    h2 ^= h2 >>> 15;
  };
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    for (let c = 0; c < line.length; c++) mix(line.charCodeAt(c));
    if (k < lines.length - 1 || !noNewline) mix(10);
  }
  mix(lines.length & 65535);
  mix(noNewline ? 1 : 2);
  h1 = Math.imul(h1 ^ h1 >>> 16, 2246822507) ^ Math.imul(h2 ^ h2 >>> 13, 3266489909);
  h2 = Math.imul(h2 ^ h2 >>> 16, 668265263) ^ Math.imul(h1 ^ h1 >>> 13, 374761393);
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
function splitLines(text) {
  let cr;
  const lines = text.split("\n").map((l, k) => {
    if (!l.endsWith("\r")) return l;
    (cr ??= /* @__PURE__ */ new Set()).add(k);
    return l.slice(0, -1);
  });
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (cr) lines.cr = cr;
  return lines;
}
function excerpt(line) {
  if (line === void 0) return "the end of the input";
  const cut = line.length > 60 ? `${line.slice(0, 60)}...` : line;
  return JSON.stringify(cut);
}
function where(lineNo, path) {
  return path ? `line ${lineNo} (${path})` : `line ${lineNo}`;
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
function readHunk(lines, i, path, errors) {
  const headerLine = lines[i];
  const header = parseHunkHeader(headerLine);
  if (!header) {
    errors.push(`${where(i + 1, path)}: expected a hunk header like ${HUNK_EXAMPLE}, got ${excerpt(headerLine)}`);
    return { hunk: null, next: i + 1 };
  }
  const bad = headerProblem(header);
  if (bad) {
    errors.push(`${where(i + 1, path)}: invalid hunk header ${excerpt(headerLine)}: ${bad}`);
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
  const text = (k, line) => lines.cr?.has(k) ? `${line.slice(1)}\r` : line.slice(1);
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
    const line = lines[j];
    if (line === void 0) {
      errors.push(
        `${where(j + 1, path)}: the hunk at line ${i + 1} ends early at the end of the input after ${oldSeen} old and ${newSeen} new lines; ${declared}`
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
        `${where(j + 1, path)}: expected a line of the hunk at line ${i + 1} (starting with " ", "-" or "+"), got ${excerpt(line)}; the hunk has ${oldSeen} old and ${newSeen} new lines so far, ${declared}`
      );
      return { hunk: null, next: j };
    }
    if (oldSeen > header.oldLines || newSeen > header.newLines) {
      errors.push(
        `${where(j + 1, path)}: the hunk at line ${i + 1} has more ${oldSeen > header.oldLines ? "old" : "new"} lines than its header allows; ${declared}`
      );
      return { hunk: null, next: j + 1 };
    }
    last = line;
    j++;
  }
  while (lines[j]?.startsWith("\\")) {
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
function isStrayBodyLine(lines, j) {
  const line = lines[j];
  if (line === void 0) return false;
  if (line.startsWith("--- ") && lines[j + 1]?.startsWith("+++ ")) return false;
  return line[0] === " " || line[0] === "-" || line[0] === "+";
}
function readHunks(lines, i, path, errors) {
  const hunks = [];
  let j = i;
  let failed = false;
  while (j < lines.length && lines[j].startsWith("@@")) {
    const headerAt = j;
    const { hunk, next } = readHunk(lines, j, path, errors);
    if (!hunk) {
      failed = true;
      j = next;
      break;
    }
    const prev = hunks[hunks.length - 1];
    if (prev && firstOldLine(hunk) < firstOldLine(prev) + prev.oldLines) {
      errors.push(
        `${where(headerAt + 1, path)}: the hunk starts at old line ${hunk.oldStart}, inside or before the previous hunk (old lines ${prev.oldStart}-${prev.oldStart + prev.oldLines - 1}); hunks must be in increasing order`
      );
      failed = true;
      j = next;
      break;
    }
    hunks.push(hunk);
    j = next;
    if (isStrayBodyLine(lines, j)) {
      errors.push(
        `${where(j + 1, path)}: the hunk at line ${headerAt + 1} has more lines than its header ${excerpt(hunkHeaderOnly(lines[headerAt]))} declares (${hunk.oldLines} old, ${hunk.newLines} new): got ${excerpt(lines[j])}`
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
  const path = stripPrefix(raw, side === "old" ? OLD_PREFIXES : NEW_PREFIXES);
  if (path === "") return { error: `empty path after the ${side === "old" ? "a/" : "b/"} prefix` };
  return { path };
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
function isFileStart(lines, i) {
  const line = lines[i];
  return line.startsWith("diff --git ") || line.startsWith("diff --cc ") || line.startsWith("diff --combined ") || line.startsWith("--- ") && (lines[i + 1]?.startsWith("+++ ") ?? false);
}
function parseUnifiedDiff(text) {
  const lines = splitLines(text);
  const files = [];
  const errors = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith("diff --git ")) {
      i = parseGitFile(lines, i, files, errors);
    } else if (line.startsWith("diff --cc ") || line.startsWith("diff --combined ")) {
      errors.push(
        `line ${i + 1}: combined diffs of merge commits are not supported (got ${excerpt(line)}); diff the branch against its merge base instead (git diff <base>...HEAD)`
      );
      i++;
      while (i < lines.length && !isFileStart(lines, i)) i++;
    } else if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) {
      i = parsePlainFile(lines, i, files, errors);
    } else {
      const from = i;
      while (i < lines.length && !isFileStart(lines, i)) i++;
      const span = i - 1 > from ? `lines ${from + 1}-${i}` : `line ${from + 1}`;
      errors.push(`${span}: ${FILE_START_EXPECTED}, got ${excerpt(line)}`);
    }
  }
  return { files, errors };
}
function resync(lines, i) {
  while (i < lines.length && !isFileStart(lines, i)) i++;
  return i;
}
function resyncGit(lines, i) {
  while (i < lines.length && !lines[i].startsWith("diff --git ") && !lines[i].startsWith("diff --cc ") && !lines[i].startsWith("diff --combined ")) i++;
  return i;
}
function parseGitFile(lines, start, files, errors) {
  const headerLine = lines[start];
  const header = gitHeaderPaths(headerLine.slice("diff --git ".length));
  if (header && "error" in header) {
    errors.push(`line ${start + 1}: cannot read the paths of ${excerpt(headerLine)}: ${header.error}`);
    return resyncGit(lines, start + 1);
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
  const ext = [
    ["old mode ", () => flag(() => modeChanged = true)],
    ["new mode ", () => flag(() => modeChanged = true)],
    ["deleted file mode ", () => flag(() => deleted = true)],
    ["new file mode ", () => flag(() => added = true)],
    ["similarity index ", () => null],
    ["dissimilarity index ", () => null],
    ["index ", () => null],
    ["rename from ", (r) => withValue(r, (v) => renameFrom = v)],
    ["rename to ", (r) => withValue(r, (v) => renameTo = v)],
    ["copy from ", (r) => withValue(r, (v) => copyFrom = v)],
    ["copy to ", (r) => withValue(r, (v) => copyTo = v)]
  ];
  function flag(set) {
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
  headerLoop: while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith("diff ")) break;
    for (const [prefix, handle] of ext) {
      if (line.startsWith(prefix)) {
        const problem = handle(line.slice(prefix.length));
        if (problem) {
          errors.push(`${where(i + 1, label())}: cannot read the path in ${excerpt(line)}: ${problem}`);
          hunks = null;
          pushFile();
          return resyncGit(lines, i + 1);
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
      while (i < lines.length && !isFileStart(lines, i)) i++;
      break;
    }
    if (line.startsWith("--- ")) {
      const plus = lines[i + 1];
      if (plus === void 0 || !plus.startsWith("+++ ")) {
        errors.push(`${where(i + 2, label())}: expected a "+++ b/<path>" line after the "---" line, got ${excerpt(plus)}`);
        hunks = null;
        pushFile();
        return resyncGit(lines, i + 1);
      }
      const o = markerPath(line.slice(4), "old");
      const n = markerPath(plus.slice(4), "new");
      if ("error" in o || "error" in n) {
        const bad = "error" in o ? { at: i, e: o.error, l: line } : { at: i + 1, e: n.error, l: plus };
        errors.push(`${where(bad.at + 1, label())}: cannot read the path in ${excerpt(bad.l)}: ${bad.e}`);
        hunks = null;
        pushFile();
        return resyncGit(lines, i + 2);
      }
      if (o.path === null) added = true;
      else oldPath = o.path;
      if (n.path === null) deleted = true;
      else newPath = n.path;
      i += 2;
      if (!lines[i]?.startsWith("@@")) {
        errors.push(`${where(i + 1, label())}: expected a hunk header like ${HUNK_EXAMPLE} after the "+++" line, got ${excerpt(lines[i])}`);
        hunks = null;
        pushFile();
        return resyncGit(lines, i);
      }
      const read = readHunks(lines, i, label(), errors);
      hunks = read.hunks;
      i = read.next;
      if (hunks === null) {
        pushFile();
        return resyncGit(lines, i);
      }
      if (i < lines.length && !isFileStart(lines, i)) {
        errors.push(`${where(i + 1, label())}: expected another hunk header like ${HUNK_EXAMPLE} or the next file's "diff --git" line, got ${excerpt(lines[i])}`);
        hunks = null;
        pushFile();
        return resyncGit(lines, i);
      }
      pushFile();
      return i;
    }
    if (line.startsWith("@@")) {
      errors.push(`${where(i + 1, label())}: a hunk header before the "--- a/<path>" and "+++ b/<path>" lines`);
      hunks = null;
      pushFile();
      return resyncGit(lines, i + 1);
    }
    errors.push(
      `${where(i + 1, label())}: unexpected line in the header of a file diff: ${excerpt(line)} (expected "index", "old mode"/"new mode", "new file mode", "deleted file mode", "rename from/to", "copy from/to", "similarity index", "Binary files ... differ" or "--- a/<path>")`
    );
    hunks = null;
    pushFile();
    return resyncGit(lines, i + 1);
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
    const path = (deleted ? oldName : newName) ?? oldName ?? "";
    const f = { path, hunks: binary ? null : hunks };
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
function parsePlainFile(lines, start, files, errors) {
  const minus = lines[start];
  const plus = lines[start + 1];
  const o = markerPath(minus.slice(4), "old");
  const n = markerPath(plus.slice(4), "new");
  if ("error" in o || "error" in n) {
    const bad = "error" in o ? { at: start, e: o.error, l: minus } : { at: start + 1, e: n.error, l: plus };
    errors.push(`line ${bad.at + 1}: cannot read the path in ${excerpt(bad.l)}: ${bad.e}`);
    return resync(lines, start + 2);
  }
  if (o.path === null && n.path === null) {
    errors.push(`line ${start + 1}: both sides of the file diff are /dev/null`);
    return resync(lines, start + 2);
  }
  const path = n.path ?? o.path;
  const f = { path, status: o.path === null ? "added" : n.path === null ? "removed" : "modified", hunks: null };
  if (o.path !== null && n.path !== null && o.path !== n.path) {
    f.status = "renamed";
    f.previousPath = o.path;
  }
  let i = start + 2;
  if (!lines[i]?.startsWith("@@")) {
    errors.push(`${where(i + 1, path)}: expected a hunk header like ${HUNK_EXAMPLE} after the "+++" line, got ${excerpt(lines[i])}`);
    files.push(f);
    return resync(lines, i);
  }
  const read = readHunks(lines, i, path, errors);
  i = read.next;
  f.hunks = read.hunks;
  if (f.hunks !== null && i < lines.length && !isFileStart(lines, i)) {
    errors.push(`${where(i + 1, path)}: expected another hunk header like ${HUNK_EXAMPLE} or the next file's "---" line, got ${excerpt(lines[i])}`);
    f.hunks = null;
  }
  files.push(f);
  return resync(lines, i);
}
function renamedFrom(f) {
  return f.previousPath !== void 0 && f.previousPath !== f.path && f.status !== "copied" ? f.previousPath : void 0;
}
function footprintFile(f) {
  const from = renamedFrom(f);
  const changes = f.hunks === null ? null : f.hunks.flatMap((h) => h.changes.map((r) => ({ ...r })));
  const out = from === void 0 ? { path: f.path, changes } : { path: f.path, previousPath: from, changes };
  const alt = altRegions(f);
  if (alt !== void 0) out.alt = alt.map((r) => ({ ...r }));
  return out;
}
function altRegions(f) {
  if (f.alt !== void 0) return f.alt;
  if (f.hunks === null) return void 0;
  const runs = shiftedRuns(f.hunks);
  if (runs.length === 0 && !f.hunks.some((h) => h.alt !== void 0)) return void 0;
  const out = [];
  let k = 0;
  for (const run of runs) {
    for (; k <= run.shift; k++) out.push(...regionsOf(f.hunks[k]));
    const inRun = f.hunks.slice(run.first, run.last + 1).flatMap(regionsOf);
    const stretch = f.hunks.slice(run.shift + 1, run.last + 1).flatMap(regionsOf);
    out.push(joined(stretch, inRun, "stretch"));
    k = run.last + 1;
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
function languageOf(path) {
  const base = path.slice(path.lastIndexOf("/") + 1);
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
    const [node, prefix, depth, wrapStart] = stack.pop();
    const def = definitionOf(node, lang);
    let childPrefix = prefix;
    let childDepth = depth;
    if (def) {
      const { start, end } = linesOf(node);
      const name = prefix ? `${prefix}.${def.name}` : def.name;
      const kind = def.kind === "function" && prefix ? "method" : def.kind;
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
function enclosingDefinition(defs, range) {
  const insertion = range.end < range.start;
  const lo = insertion ? range.start - 1 : range.start;
  const hi = insertion ? range.start : range.end;
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

// src/engine/change.ts
function ownsClaim(change, claim) {
  return claim.change !== void 0 ? claim.change === change.id : claim.agent === change.agent;
}
function changeOfFootprint(fp) {
  const files = fp.files.map((f) => ({
    path: f.path,
    ...f.previousPath !== void 0 ? { previousPath: f.previousPath, status: "renamed" } : {},
    ...f.alt !== void 0 ? { alt: f.alt } : {},
    hunks: f.changes === null ? null : f.changes.map(
      (r) => ({
        oldStart: r.start,
        oldLines: Math.max(0, r.end - r.start + 1),
        newStart: r.start,
        newLines: Math.max(0, r.end - r.start + 1),
        section: r.section ?? "",
        changes: [r]
      })
    )
  }));
  const c = { id: fp.change, agent: fp.agent, labels: fp.labels ?? [], draft: fp.draft, headSha: fp.headSha, files };
  if (fp.title !== void 0) c.title = fp.title;
  if (fp.url !== void 0) c.url = fp.url;
  return c;
}
function changeAtHead(footprints, headSha) {
  if (!headSha) return null;
  return footprints.find((f) => f.headSha === headSha && f.change.startsWith("#")) ?? null;
}

// src/engine/types.ts
var UNLISTED = /* @__PURE__ */ Symbol.for("pucs.unlisted");

// src/engine/evaluate.ts
function push(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
function firstSegment(p) {
  const slash = p.indexOf("/");
  return slash === -1 ? p : p.slice(0, slash);
}
function candidates(buckets, path) {
  if (buckets.size === 0) return void 0;
  const own = buckets.get(firstSegment(path));
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
      const prefix = compileGlob(lock.path).literalPrefix;
      push(globLocks, firstSegment(prefix), { lock, prefix });
    } else push(literalLocks, lock.path, lock);
  }
  for (const intent of ledger.intents) {
    expires.set(intent, Date.parse(intent.expiresAt));
    for (const f of intent.files) {
      if (isGlob(f)) {
        const prefix = compileGlob(f).literalPrefix;
        push(globIntents, firstSegment(prefix), { intent, pattern: f, prefix });
      } else push(literalIntents, f, intent);
    }
  }
  for (const footprint of ledger.footprints) {
    for (const file of footprint.files) {
      if (wantAllFootprints || paths.has(file.path)) push(footprints, file.path, { footprint, file });
      const from = file.previousPath;
      if (from !== void 0 && from !== file.path && (wantAllFootprints || paths.has(from))) push(footprints, from, { footprint, file });
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
var CAPACITY_SHOWN = 6;
function activeHolders(ledger, now, isSelf = () => false, isLive = (entry, at) => Date.parse(entry.expiresAt) > at) {
  const out = /* @__PURE__ */ new Map();
  const seen2 = /* @__PURE__ */ new Map();
  const note = (s, holder) => {
    if (!s) return;
    let ids = seen2.get(s);
    if (!ids) {
      ids = /* @__PURE__ */ new Set();
      seen2.set(s, ids);
      out.set(s, { holders: [], count: 0 });
    }
    if (ids.has(holder)) return;
    ids.add(holder);
    const work = out.get(s);
    work.holders.push(holder);
    work.count++;
  };
  for (const fp of ledger.footprints) if (!isSelf(fp) && !fp.draft) note(fp.stream, fp.change);
  for (const it of ledger.intents) if (isLive(it, now) && !isSelf(it)) note(it.stream, it.change ?? it.agent);
  for (const l of ledger.locks) if (isLive(l, now) && !isSelf(l)) note(l.stream, l.change ?? l.agent);
  for (const [s, n] of Object.entries(ledger[UNLISTED] ?? {})) {
    if (n <= 0) continue;
    const work = out.get(s) ?? { holders: [], count: 0 };
    work.count += n;
    out.set(s, work);
  }
  return out;
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
  const seen2 = /* @__PURE__ */ new Set();
  const add = (c, key) => {
    if (seen2.has(key)) return;
    seen2.add(key);
    conflicts.push(c);
  };
  const isSelf = (entry) => ownsClaim(change, entry);
  const activeByStream = activeHolders(ledger, now, isSelf, isLive);
  const lockConflict = (path, lock) => {
    add(
      {
        type: "LOCKED",
        strategy: "QUEUE",
        file: path,
        holder: lock.agent,
        ...lock.change ? { holderChange: lock.change } : {},
        holderStream: lock.stream,
        details: `Locked by ${who(lock.agent, lock.change)}${lock.stream ? ` for ${lock.stream}` : ""} until ${lock.expiresAt}${lock.task ? `: ${lock.task}` : ""}.`,
        nextStep: `Wait until ${who(lock.agent, lock.change)} releases ${lock.path} or the lock expires at ${lock.expiresAt}; to be next in line run \`/pucs queue ${path}\` on the PR or \`pucs queue ${path}\` locally.`,
        until: lock.expiresAt
      },
      `L|${path}|${lock.lease}`
    );
  };
  const intentConflict = (path, intent, merge) => {
    add(
      {
        type: "INTENT_OVERLAP",
        strategy: merge ? "MERGE" : "PARTITION",
        file: path,
        holder: intent.agent,
        ...intent.change ? { holderChange: intent.change } : {},
        holderStream: intent.stream,
        details: `${who(intent.agent, intent.change)}${intent.stream ? ` (${intent.stream})` : ""} intends to work on ${path}: ${intent.description}.`,
        nextStep: merge ? `${path} is a hot file merged mechanically: go ahead, and rebase after ${who(intent.agent, intent.change)} merges.` : `Agree with ${who(intent.agent, intent.change)} who takes which part of ${path} (split by function), or work on other files until their intent ends at ${intent.expiresAt}.`
      },
      `I|${path}|${intent.id}`
    );
  };
  const footprintConflict = (path, mine, fp, theirs, hotMerge, renamed = NO_RENAMES, mineAlt) => {
    const other = `${fp.change}${fp.stream ? ` (${fp.stream})` : ""}`;
    const renameClash = renameConflict(path, mine, theirs.changes, renamed, fp.change);
    if (renameClash) {
      add(
        {
          type: "INTENT_OVERLAP",
          strategy: "PARTITION",
          file: path,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: `${other} ${renameClash.details}`,
          nextStep: renameClash.nextStep
        },
        `F|${path}|${fp.change}`
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
          file: path,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: `${other} already makes this exact change to ${same} of ${path}; any other lines are disjoint.${moved}`,
          nextStep: `Duplicate work: git merges identical changes cleanly, so this is safe in parallel; agree with ${fp.change} which of you keeps the edit to ${same} and drop it from the other.`
        },
        `F|${path}|${fp.change}`
      );
      return;
    }
    if (overlap === null || hotMerge) {
      add(
        {
          type: "INTENT_OVERLAP",
          strategy: "MERGE",
          file: path,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: hotMerge ? `${other} also changes ${path}, a hot file that merges mechanically.` : `${other} also changes ${path}, in other lines: the changes are disjoint.${moved}`,
          nextStep: `Safe in parallel: whichever merges second rebases onto the first (git merges disjoint hunks cleanly).`
        },
        `F|${path}|${fp.change}`
      );
      return;
    }
    const mineNames = overlap.mine.length > 0 ? overlap.mine.join(", ") : "its lines";
    const theirNames = overlap.theirs.length > 0 ? overlap.theirs.join(", ") : "its lines";
    const defs = options.symbols?.get(path);
    const both = compared.mineRegions.length > 0 && compared.theirRegions.length > 0;
    const nameOf = defs ? (r) => enclosingDefinition(defs, r)?.name ?? null : both && storedNames(compared.mineRegions) && storedNames(compared.theirRegions) ? (r) => r.symbol ?? null : null;
    const named = nameOf && both ? namedSides(nameOf, compared.mineRegions, compared.theirRegions) : null;
    const nextStep = named ? named.sameSymbol ? `Both change \`${named.sameSymbol}\` (this change: ${named.mineLines}; ${fp.change}: ${named.theirLines}): one should land first — queue behind ${fp.change} and rebase onto it, or hand this edit to ${fp.change}.` : `${fp.change} changes ${named.theirs}, this change changes ${named.mine}: split by function — keep each edit inside its own, or queue behind ${fp.change}.` : `Partition ${path} with ${fp.change}: this change keeps ${mineNames}, ${fp.change} keeps ${theirNames}; move the overlapping edit (${formatRanges(overlap.overlapping)}) to one side, or queue behind ${fp.change}.`;
    add(
      {
        type: "INTENT_OVERLAP",
        strategy: "PARTITION",
        file: path,
        holder: fp.agent,
        holderChange: fp.change,
        holderStream: fp.stream,
        details: `${other} changes the same lines of ${path} (${formatRanges(overlap.overlapping)}${realigned ? ", as git's merge aligns the two versions" : ""}).${moved}`,
        nextStep,
        lines: named ? { overlapping: overlap.overlapping, mine: named.mineSymbols, theirs: named.theirSymbols } : overlap
      },
      `F|${path}|${fp.change}`
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
    for (const path of touched) {
      if (declaresGlobs && globPaths.has(path)) {
        for (const lock of ledger.locks) if (isLive(lock, now) && !isSelf(lock) && globsIntersect(path, lock.path)) lockConflict(path, lock);
        for (const intent of ledger.intents) {
          if (!isLive(intent, now) || isSelf(intent)) continue;
          if (intent.files.some((f) => globsIntersect(path, f))) intentConflict(path, intent, hotMerge);
        }
        for (const [fpPath, entries] of index.footprints) {
          if (!matchesGlob(fpPath, path)) continue;
          for (const { footprint, file: theirs } of entries) if (!isSelf(footprint)) footprintConflict(fpPath, null, footprint, theirs, hotMerge);
        }
        continue;
      }
      for (const lock of index.literalLocks.get(path) ?? NONE) if (isLive(lock, now) && !isSelf(lock)) lockConflict(path, lock);
      for (const { lock, prefix } of candidates(index.globLocks, path) ?? NONE) {
        if (path.startsWith(prefix) && isLive(lock, now) && !isSelf(lock) && matchesGlob(path, lock.path)) lockConflict(path, lock);
      }
      for (const intent of index.literalIntents.get(path) ?? NONE) if (isLive(intent, now) && !isSelf(intent)) intentConflict(path, intent, hotMerge);
      for (const { intent, pattern, prefix } of candidates(index.globIntents, path) ?? NONE) {
        if (path.startsWith(prefix) && isLive(intent, now) && !isSelf(intent) && matchesGlob(path, pattern)) intentConflict(path, intent, hotMerge);
      }
      for (const { footprint, file: theirs } of index.footprints.get(path) ?? NONE) {
        if (isSelf(footprint)) continue;
        if ((theirs.previousPath ?? theirs.path) === baseFile) {
          if (mine === void 0) {
            mine = rangesOf(file);
            mineAlt = altRegions(file);
          }
          footprintConflict(baseFile, mine, footprint, theirs, hotMerge, { mine: from === void 0 ? null : file.path, theirs: theirs.previousPath === void 0 ? null : theirs.path }, mineAlt);
        } else {
          footprintConflict(path, null, footprint, theirs, hotMerge);
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
        const work = depStream ? activeByStream.get(depStream) : void 0;
        const open = work?.holders ?? [];
        const count = work?.count ?? 0;
        const shown = open.slice(0, 5);
        const named = shown.length === 0 ? `${count} open change${count === 1 ? "" : "s"}` : shown.join(", ") + (count > shown.length ? ` and ${count - shown.length} more` : "");
        const what = area ? `area \`${area}\`${depStream ? ` (owned by ${depStream})` : ""}` : `stream ${depStream}`;
        add(
          {
            type: "DEPENDENCY",
            strategy: count > 0 ? "QUEUE" : "ARBITRATE",
            file: file.path,
            holder: open[0] ?? (count > 0 ? `${depStream}'s open work` : coordinatorsOf(ownerCfg2, config)),
            holderStream: depStream,
            details: `${file.path} belongs to ${what}, which ${myStream.id} depends on.`,
            nextStep: count > 0 ? `Queue behind ${depStream}'s open work (${named}): merge after it, or hand this edit to ${depStream}.` : `Ask ${coordinatorsOf(ownerCfg2, config)} to approve changing ${area ? `\`${area}\`` : depStream} from ${myStream.id}, or move the edit into a ${depStream ?? area} change.`
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
    const work = activeByStream.get(myStream.id);
    const count = work?.count ?? 0;
    if (count >= myStream.maxAgents) {
      const shown = work.holders.slice(0, CAPACITY_SHOWN).join(", ") + (count > CAPACITY_SHOWN ? ` and ${count - CAPACITY_SHOWN} more` : "");
      add(
        {
          type: "CAPACITY",
          strategy: "QUEUE",
          file: "",
          holder: shown,
          holderStream: myStream.id,
          details: `${myStream.id} already has ${count} active (max_agents ${myStream.maxAgents}): ${shown}.`,
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
    // Notes, not conflicts: the stream's circuit breaker (seed §3.3) when it is not CLOSED, a ROLLBACK
    // suggested for a merged change of the stream (seed §8.1), the coordinators asked, the decisions.
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
function renameConflict(path, mine, theirs, renamed, other) {
  if (renamed.mine !== null && renamed.theirs !== null && renamed.mine !== renamed.theirs) {
    return {
      details: `renames ${path} to ${renamed.theirs}; this change renames it to ${renamed.mine}: git stops on the two names (a rename/rename conflict), whatever the lines.`,
      nextStep: `Agree with ${other} on one name for ${path} (${renamed.mine} or ${renamed.theirs}): one of you drops the rename and rebases onto the other, or queue behind ${other}.`
    };
  }
  const deletes = (rs) => rs === null || rs.length === 1 && rs[0].start === 1 && rs[0].end >= 1 && rs[0].hash === NOTHING;
  const pureRename = (rs, to) => to !== null && rs !== null && rs.length === 0;
  if (pureRename(mine, renamed.mine) && deletes(theirs) || pureRename(theirs, renamed.theirs) && deletes(mine)) {
    const to = renamed.mine ?? renamed.theirs;
    const who2 = renamed.mine !== null ? "this change renames" : `${other} renames`;
    return {
      details: `may delete ${path} (it removes every line from line 1, or its patch is unknown) while ${who2} it to ${to}: git stops on a rename/delete conflict.`,
      nextStep: `Agree with ${other} whether ${path} stays (as ${to}) or goes, or queue behind ${other}.`
    };
  }
  return null;
}
function renameNote(renamed, other) {
  if (renamed.mine !== null && renamed.mine === renamed.theirs) return ` Both rename it to ${renamed.mine}.`;
  if (renamed.theirs !== null) return ` ${other} renames it to ${renamed.theirs}: git carries this change's edits there.`;
  if (renamed.mine !== null) return ` This change renames it to ${renamed.mine}: git carries ${other}'s edits there.`;
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
function blocksIntent(c) {
  return c.strategy !== "MERGE" && c.type !== "CRITICAL" && c.decided === void 0;
}
function verdictOf(conflicts) {
  const open = conflicts.filter((c) => c.decided === void 0);
  if (open.some((c) => c.type === "LOCKED" || c.type === "CAPACITY")) return "blocked";
  if (open.some((c) => c.strategy !== "MERGE")) return "needs-decision";
  if (conflicts.length > 0) return "safe-overlap";
  return "clear";
}

// src/ledger/transitions.ts
var MINUTE = 6e4;
function checkNow(now) {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite epoch-ms number, got ${now}`);
}
function checkMinutes(name, v) {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number of minutes, got ${v}`);
}
function checkNonEmpty(name, v) {
  if (typeof v !== "string" || v.length === 0) throw new TypeError(`${name} must be a non-empty string`);
}
function isoTime(ms2) {
  return new Date(Math.round(ms2)).toISOString();
}
function shortTime(iso) {
  return iso.replace(/\.000Z$/, "Z");
}
var ms = (iso) => Date.parse(iso);
function isExpired(entry, now) {
  return ms(entry.expiresAt) <= now;
}
function sameHolder(a, b) {
  return a.agent === b.agent && (a.change ?? null) === (b.change ?? null);
}
function ownedBy(claim, holder) {
  return sameHolder(claim, holder) || claim.change === void 0 && claim.agent === holder.agent;
}
function holderLabel(h) {
  const tags = [h.stream ?? null, h.change ?? null].filter((x) => x !== null && x !== "");
  return tags.length > 0 ? `${h.agent} (${tags.join(", ")})` : h.agent;
}
function listPaths(paths, max = 5) {
  const shown = paths.slice(0, max).join(", ");
  return paths.length > max ? `${shown} (+${paths.length - max} more)` : shown;
}
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function withLedger(l, patch) {
  const next = { ...l, ...patch };
  if (patch.locks) next.locks = [...patch.locks].sort(compareLocks);
  if (patch.intents) next.intents = [...patch.intents].sort(compareIntents);
  if (patch.footprints) next.footprints = [...patch.footprints].sort(compareFootprints);
  if (patch.queues) next.queues = [...patch.queues].sort(compareQueues);
  if (patch.overrides) next.overrides = [...patch.overrides].sort(compareOverrides);
  return next;
}
var unchanged = (ledger, outcome) => ({ ledger, outcome, message: null });
function liveLocks(l, now) {
  return l.locks.filter((k) => !isExpired(k, now));
}
function liveIntents(l, now) {
  return l.intents.filter((i) => !isExpired(i, now));
}
function conflictingLocks(l, path, holder, now) {
  return liveLocks(l, now).filter((k) => !sameHolder(k, holder) && globsIntersect(k.path, path)).sort(compareLocks);
}
function queuePosition(l, path, holder) {
  const q = l.queues.find((x) => x.path === path);
  const i = q ? q.waiters.findIndex((w) => sameHolder(w, holder)) : -1;
  return i >= 0 ? i + 1 : null;
}
function noticesFor(before, after, freedPaths, now, removed = []) {
  if (freedPaths.length === 0) return [];
  const out = [];
  for (const q of after.queues) {
    const head = q.waiters[0];
    if (!head) continue;
    if (!freedPaths.some((p) => globsIntersect(p, q.path))) continue;
    if (conflictingLocks(after, q.path, head, now).length > 0) continue;
    const headBefore = before.queues.find((x) => x.path === q.path)?.waiters[0];
    const blockedBefore = conflictingLocks(before, q.path, head, now).length > 0 || removed.some((k) => !sameHolder(k, head) && globsIntersect(k.path, q.path));
    if (headBefore !== void 0 && sameHolder(headBefore, head) && !blockedBefore) continue;
    out.push({ path: q.path, next: head });
  }
  return out;
}
function stampNotified(l, notices, now) {
  if (notices.length === 0) return l;
  let changed = false;
  const queues = l.queues.map((q) => {
    const n = notices.find((x) => x.path === q.path);
    const head = q.waiters[0];
    if (!n || !head || !sameHolder(head, n.next) || head.notifiedAt !== void 0) return q;
    changed = true;
    return { path: q.path, waiters: [{ ...head, notifiedAt: isoTime(now) }, ...q.waiters.slice(1)] };
  });
  return changed ? { ...l, queues } : l;
}
function removeFromQueue(l, path, match) {
  const removed = [];
  const queues = [];
  for (const q of l.queues) {
    if (q.path !== path) {
      queues.push(q);
      continue;
    }
    const keep = q.waiters.filter((w) => {
      if (match(w)) {
        removed.push(w);
        return false;
      }
      return true;
    });
    if (removed.length === 0) queues.push(q);
    else if (keep.length > 0) queues.push({ path: q.path, waiters: keep });
  }
  return { queues, removed };
}
function startSession(l, args, now) {
  checkNow(now);
  checkNonEmpty("session id", args.id);
  if (l.session && l.session.id === args.id) return unchanged(l, { kind: "existing", session: l.session });
  const session = { id: args.id, startedAt: isoTime(now) };
  const message = l.session ? `start session ${args.id} (replacing ${l.session.id})` : `start session ${args.id}`;
  return { ledger: withLedger(l, { session }), outcome: { kind: "started", session, previous: l.session }, message };
}
function startNewSession(l, now) {
  checkNow(now);
  return startSession(l, { id: nextSessionId(l, now) }, now);
}
function sessionOf(l, agent) {
  const registered = (l.agents ?? []).find((a) => a.agent === agent)?.session;
  return registered ?? l.session?.id ?? void 0;
}
function withSessionOf(l, args) {
  if (args.session !== void 0) return args;
  const session = sessionOf(l, args.agent);
  return session === void 0 ? args : { ...args, session };
}
function withAgents(l, agents) {
  return { ...l, agents: [...agents].sort(compareAgents) };
}
function touchAgent(l, agent, now) {
  const prev = (l.agents ?? []).find((a) => a.agent === agent);
  const at = isoTime(now);
  if (!prev || prev.lastSeen >= at) return l;
  return withAgents(l, l.agents.map((a) => a === prev ? { ...a, lastSeen: at } : a));
}
function seen(r, agent, now) {
  if (r.message === null) return r;
  const ledger = touchAgent(r.ledger, agent, now);
  return ledger === r.ledger ? r : { ...r, ledger };
}
function registerAgent(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const previous = (l.agents ?? []).find((a) => a.agent === args.agent) ?? null;
  const existing = args.session === void 0 ? previous?.session ?? l.session?.id ?? null : args.session === "new" ? null : args.session;
  const session = existing ?? nextSessionId(l, now);
  const at = isoTime(now);
  const agent = {
    agent: args.agent,
    stream: args.stream,
    session,
    worktree: args.worktree,
    firstSeen: previous?.firstSeen ?? at,
    lastSeen: previous && previous.lastSeen > at ? previous.lastSeen : at
  };
  const outcome = { kind: previous ? "updated" : "registered", agent, previous, newSession: existing === null };
  if (previous && JSON.stringify(previous) === JSON.stringify(agent)) return unchanged(l, outcome);
  const others = (l.agents ?? []).filter((a) => a !== previous);
  const where2 = [args.stream ?? "no stream", `session ${session}`].join(", ");
  return {
    ledger: withAgents(l, [...others, agent]),
    outcome,
    message: `${previous ? "re-register" : "register"} agent ${args.agent} (${where2})${args.worktree ? ` at ${args.worktree}` : ""}`
  };
}
function tooLongReason(what, askedMinutes, maxTtlMinutes) {
  const asked = formatDuration(askedMinutes * MINUTE);
  const max = formatDuration(maxTtlMinutes * MINUTE);
  const then = what === "intent" ? "declare less and signal again later" : what === "lock" ? "ask for less and extend it later" : "extend by less, again later if needed";
  return `a${what === "intent" || what === "extension" ? "n" : ""} ${what} of ${asked} is longer than the configured locks.max_ttl (${max}): ${then}`;
}
function queueGate(l, path, holder, now, graceMinutes) {
  const skipped = [];
  let ahead = null;
  const queues = l.queues.map((q) => {
    if (!globsIntersect(q.path, path)) return q;
    let waiters = q.waiters;
    while (waiters.length > 0) {
      const head = waiters[0];
      if (ownedBy(head, holder)) break;
      const told = head.notifiedAt !== void 0 ? ms(head.notifiedAt) : null;
      if (told === null || now - told < graceMinutes * MINUTE) {
        ahead ??= { path: q.path, head };
        break;
      }
      skipped.push({ path: q.path, entry: head });
      waiters = waiters.slice(1);
    }
    return waiters === q.waiters ? q : { path: q.path, waiters };
  });
  return { queues: queues.filter((q) => q.waiters.length > 0), skipped, ahead };
}
function skipNote(skipped, graceMinutes) {
  return skipped.length > 0 ? `; skipped ${skipped.map((x) => `${holderLabel(x.entry)} in the queue for ${x.path}`).join(", ")} (silent ${graceMinutes} min after being told it was free)` : "";
}
function acquireLockUnguarded(l, args, now) {
  checkNow(now);
  checkNonEmpty("lock path", args.path);
  checkNonEmpty("agent", args.agent);
  checkNonEmpty("lease", args.lease);
  checkMinutes("ttlMinutes", args.ttlMinutes);
  checkMinutes("maxTtlMinutes", args.maxTtlMinutes);
  if (!Number.isFinite(args.queueGraceMinutes) || args.queueGraceMinutes < 0) throw new RangeError(`queueGraceMinutes must be a number of minutes >= 0, got ${args.queueGraceMinutes}`);
  if (args.ttlMinutes > args.maxTtlMinutes) return unchanged(l, { kind: "too-long", maxTtlMinutes: args.maxTtlMinutes, reason: tooLongReason("lock", args.ttlMinutes, args.maxTtlMinutes) });
  const holder = { agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} };
  const blockers = conflictingLocks(l, args.path, holder, now);
  const foreign = blockers.filter((k) => !ownedBy(k, holder));
  if (foreign[0]) {
    const pos = queuePosition(l, args.path, holder);
    return unchanged(l, { kind: "held", lock: foreign[0], ...pos !== null ? { queuePosition: pos } : {} });
  }
  if (blockers[0]) return unchanged(l, { kind: "covered", lock: blockers[0] });
  const gateQ = queueGate(l, args.path, holder, now, args.queueGraceMinutes);
  const skipNoteText = skipNote(gateQ.skipped, args.queueGraceMinutes);
  if (gateQ.ahead) {
    const { path: qPath, head } = gateQ.ahead;
    let cur = gateQ.skipped.length > 0 ? withLedger(l, { queues: gateQ.queues }) : l;
    const notice = { path: qPath, next: head };
    const told = stampNotified(cur, [notice], now);
    const notify = told !== cur ? [notice] : [];
    cur = told;
    const pos = queuePosition(cur, qPath, holder);
    let position;
    let already = true;
    if (pos !== null) position = pos;
    else {
      const q = enqueue(cur, { path: qPath, agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} }, now);
      cur = q.ledger;
      position = q.outcome.position;
      already = false;
    }
    const outcome = { kind: "queued", path: qPath, position, already, head, notify, skipped: gateQ.skipped };
    if (cur === l) return unchanged(l, outcome);
    const parts = [
      ...already ? [] : [`queue ${holderLabel(holder)} for ${qPath} (position ${position}): ${holderLabel(head)} is first in line`],
      ...notify.length > 0 ? [`tell ${holderLabel(head)} that ${qPath} is free`] : []
    ];
    return { ledger: cur, outcome, message: `${parts.join("; ") || `queue for ${qPath}`}${skipNoteText}` };
  }
  const base = gateQ.skipped.length > 0 ? withLedger(l, { queues: gateQ.queues }) : l;
  const droppedExpired = base.locks.filter((k) => isExpired(k, now) && globsIntersect(k.path, args.path)).sort(compareLocks);
  const own = base.locks.find((k) => k.path === args.path && sameHolder(k, holder) && !isExpired(k, now));
  let queues = base.queues;
  let left = 0;
  for (const q of base.queues) {
    if (!globsIntersect(q.path, args.path)) continue;
    const r = removeFromQueue({ ...base, queues }, q.path, (w) => sameHolder(w, holder));
    queues = r.queues;
    left += r.removed.length;
  }
  const queuesChanged = queues !== base.queues || base !== l;
  const until = isoTime(now + args.ttlMinutes * MINUTE);
  const dropNote = droppedExpired.length > 0 ? `; dropped expired ${droppedExpired.map((k) => `${k.path} by ${holderLabel(k)} (expired ${shortTime(k.expiresAt)})`).join(", ")}` : "";
  const queueNote = left > 0 ? "; left its queue" : "";
  if (own) {
    const expiresAt = ms(own.expiresAt) >= ms(until) ? own.expiresAt : until;
    const lock2 = expiresAt === own.expiresAt ? own : { ...own, expiresAt };
    if (lock2 === own && droppedExpired.length === 0 && !queuesChanged) {
      return unchanged(l, { kind: "renewed", lock: lock2, droppedExpired, skipped: [] });
    }
    const locks2 = base.locks.filter((k) => k !== own && !droppedExpired.includes(k)).concat(lock2);
    return {
      ledger: withLedger(base, { locks: locks2, ...queuesChanged ? { queues } : {} }),
      outcome: { kind: "renewed", lock: lock2, droppedExpired, skipped: gateQ.skipped },
      message: `renew lock ${lock2.path} by ${holderLabel(lock2)} until ${shortTime(lock2.expiresAt)}${dropNote}${queueNote}${skipNoteText}`
    };
  }
  const lock = {
    lease: args.lease,
    path: args.path,
    agent: args.agent,
    stream: args.stream,
    task: args.task,
    ...args.change !== void 0 ? { change: args.change } : {},
    acquiredAt: isoTime(now),
    expiresAt: until,
    ...args.session !== void 0 ? { session: args.session } : {}
  };
  const locks = base.locks.filter((k) => !droppedExpired.includes(k)).concat(lock);
  return {
    ledger: withLedger(base, { locks, ...queuesChanged ? { queues } : {} }),
    outcome: { kind: "acquired", lock, droppedExpired, skipped: gateQ.skipped },
    message: `lock ${lock.path} by ${holderLabel(lock)} until ${shortTime(lock.expiresAt)}${dropNote}${queueNote}${skipNoteText}`
  };
}
function releaseLock(l, args, now) {
  checkNow(now);
  checkNonEmpty("lock path", args.path);
  checkNonEmpty("agent", args.agent);
  const atPath = l.locks.filter((k) => k.path === args.path).sort(compareLocks);
  const own = atPath.filter((k) => k.agent === args.agent);
  let removed;
  if (args.force) removed = atPath;
  else if (own.length > 0) removed = own;
  else {
    const other = atPath.find((k) => !isExpired(k, now));
    return unchanged(l, other ? { kind: "not-holder", lock: other } : { kind: "not-locked" });
  }
  if (removed.length === 0) return unchanged(l, { kind: "not-locked" });
  const lock = removed.find((k) => !isExpired(k, now)) ?? removed[0];
  const freed = withLedger(l, { locks: l.locks.filter((k) => !removed.includes(k)) });
  const notify = noticesFor(l, freed, [args.path], now, removed);
  const ledger = stampNotified(freed, notify, now);
  const next = notify.find((n) => n.path === args.path)?.next;
  const forced = lock.agent !== args.agent;
  const message = forced ? `force-unlock ${lock.path} held by ${holderLabel(lock)}, by ${args.agent}` : `unlock ${lock.path} by ${holderLabel(lock)}`;
  const nextNote = notify.length > 0 ? `; next: ${notify.map((n) => `${n.next.agent} for ${n.path}`).join(", ")}` : "";
  return {
    ledger,
    outcome: { kind: "released", lock, ...next ? { next } : {}, notify },
    message: message + nextNote
  };
}
function extendLocks(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  checkMinutes("minutes", args.minutes);
  checkMinutes("maxTtlMinutes", args.maxTtlMinutes);
  if (args.minutes > args.maxTtlMinutes) return unchanged(l, { kind: "too-long", maxTtlMinutes: args.maxTtlMinutes, reason: tooLongReason("extension", args.minutes, args.maxTtlMinutes) });
  const cap = now + args.maxTtlMinutes * MINUTE;
  const targets = liveLocks(l, now).filter(
    (k) => k.agent === args.agent && (args.change === void 0 || k.change === args.change) && (args.paths === void 0 || args.paths.includes(k.path))
  ).sort(compareLocks);
  const notFound = (args.paths ?? []).filter((p) => !targets.some((k) => k.path === p));
  const extended = [];
  const atCap = [];
  const replaced = /* @__PURE__ */ new Map();
  for (const k of targets) {
    const nextMs = Math.min(ms(k.expiresAt) + args.minutes * MINUTE, cap);
    if (nextMs <= ms(k.expiresAt)) {
      atCap.push(k);
      continue;
    }
    const n = { ...k, expiresAt: isoTime(nextMs) };
    extended.push(n);
    replaced.set(k, n);
  }
  const outcome = { kind: "extended", extended, atCap, notFound };
  if (extended.length === 0) return unchanged(l, outcome);
  const locks = l.locks.map((k) => replaced.get(k) ?? k);
  const detail = extended.map((k) => `${k.path} until ${shortTime(k.expiresAt)}`);
  return {
    ledger: touchAgent(withLedger(l, { locks }), args.agent, now),
    outcome,
    message: `extend ${plural(extended.length, "lock")} of ${args.agent}${args.change ? ` (${args.change})` : ""}: ${listPaths(detail)}`
  };
}
function signalIntent(l, args, now) {
  checkNow(now);
  checkNonEmpty("intent id", args.id);
  checkNonEmpty("agent", args.agent);
  checkMinutes("durationMinutes", args.durationMinutes);
  if (args.files.length === 0) throw new TypeError("an intent needs at least one file or glob");
  for (const f of args.files) checkNonEmpty("intent file", f);
  const intent = {
    id: args.id,
    agent: args.agent,
    stream: args.stream,
    files: [...args.files],
    description: args.description,
    durationMinutes: args.durationMinutes,
    signalledAt: isoTime(now),
    expiresAt: isoTime(now + args.durationMinutes * MINUTE),
    ...args.change !== void 0 ? { change: args.change } : {},
    ...args.session !== void 0 ? { session: args.session } : {}
  };
  const replaced = l.intents.filter((i) => sameHolder(i, intent));
  const intents = l.intents.filter((i) => !replaced.includes(i)).concat(intent);
  const desc = args.description ? `: ${args.description}` : "";
  return {
    ledger: withLedger(l, { intents }),
    outcome: { kind: "recorded", intent, replaced },
    message: `intent by ${holderLabel(intent)} on ${listPaths(intent.files)} for ${args.durationMinutes} min${desc}`
  };
}
function declareIntentUnguarded(l, args, now) {
  checkNow(now);
  checkMinutes("durationMinutes", args.durationMinutes);
  const max = args.config.locks.maxTtlMinutes;
  if (args.durationMinutes > max) return unchanged(l, { kind: "too-long", maxTtlMinutes: max, reason: tooLongReason("intent", args.durationMinutes, max) });
  const probe = { id: args.change ?? `agent:${args.agent}`, agent: args.agent, files: args.files.map((path) => ({ path, hunks: null })) };
  const ev = evaluate(probe, l, args.config, now, { stream: args.stream });
  const conflicts = ev.conflicts.filter(blocksIntent);
  const notes = ev.conflicts.filter((c) => !blocksIntent(c));
  if (conflicts.length > 0 && !args.force) return unchanged(l, { kind: "refused", conflicts, notes, suggestions: ev.suggestions });
  const { force: _force, config: _config, ...signal } = args;
  const r = signalIntent(l, signal, now);
  const forced = conflicts.length > 0 ? ` (forced over ${plural(conflicts.length, "conflict")})` : "";
  return {
    ledger: r.ledger,
    outcome: { kind: "recorded", intent: r.outcome.intent, replaced: r.outcome.replaced, conflicts, notes, suggestions: ev.suggestions },
    message: r.message === null ? null : r.message + forced
  };
}
function clearIntent(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const removed = l.intents.filter((i) => sameHolder(i, args));
  if (removed.length === 0) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { intents: l.intents.filter((i) => !removed.includes(i)) }),
    outcome: { kind: "cleared", intents: removed },
    message: `clear ${plural(removed.length, "intent")} of ${holderLabel(args)}`
  };
}
function footprintKey(f) {
  return serializeLedger({
    kind: "pucs-ledger",
    schemaVersion: 1,
    session: null,
    locks: [],
    intents: [],
    footprints: [{ ...f, recordedAt: "1970-01-01T00:00:00.000Z" }],
    queues: [],
    overrides: []
  });
}
function recordFootprint(l, footprint) {
  const parsed = FootprintSchema.safeParse(footprint);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TypeError(`invalid footprint for ${String(footprint?.change)}: ${first ? `${first.path.join(".")}: ${first.message}` : "invalid"}`);
  }
  const previous = l.footprints.find((f) => f.change === footprint.change) ?? null;
  if (previous && footprintKey(previous) === footprintKey(footprint)) {
    return unchanged(l, { kind: "unchanged", footprint: previous });
  }
  const footprints = l.footprints.filter((f) => f !== previous).concat(footprint);
  const sha = footprint.headSha ? ` at ${footprint.headSha.slice(0, 7)}` : "";
  const trunc = footprint.truncated ? " (truncated)" : "";
  return {
    ledger: withLedger(l, { footprints }),
    outcome: { kind: "recorded", footprint, previous },
    message: `footprint ${footprint.change}${sha} by ${holderLabel({ agent: footprint.agent, stream: footprint.stream })}: ${plural(footprint.files.length, "file")}${trunc}`
  };
}
function removeFootprint(l, args) {
  const footprint = l.footprints.find((f) => f.change === args.change);
  if (!footprint) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { footprints: l.footprints.filter((f) => f !== footprint) }),
    outcome: { kind: "removed", footprint },
    message: `remove footprint ${args.change}`
  };
}
function expire(l, now) {
  checkNow(now);
  const locks = l.locks.filter((k) => isExpired(k, now));
  const intents = l.intents.filter((i) => isExpired(i, now));
  if (locks.length === 0 && intents.length === 0) return unchanged(l, { kind: "expired", locks, intents, notify: [] });
  const cleaned = withLedger(l, {
    ...locks.length > 0 ? { locks: l.locks.filter((k) => !locks.includes(k)) } : {},
    ...intents.length > 0 ? { intents: l.intents.filter((i) => !intents.includes(i)) } : {}
  });
  const notify = noticesFor(l, cleaned, locks.map((k) => k.path), now, locks);
  const ledger = stampNotified(cleaned, notify, now);
  const parts = [];
  if (locks.length > 0) parts.push(`${plural(locks.length, "lock")} (${listPaths(locks.map((k) => `${k.path} by ${k.agent}`))})`);
  if (intents.length > 0) parts.push(`${plural(intents.length, "intent")} (${listPaths(intents.map((i) => `by ${i.agent}`))})`);
  return { ledger, outcome: { kind: "expired", locks, intents, notify }, message: `expire ${parts.join(" and ")}` };
}
function enqueue(l, args, now) {
  checkNow(now);
  checkNonEmpty("queue path", args.path);
  checkNonEmpty("agent", args.agent);
  const pos = queuePosition(l, args.path, args);
  if (pos !== null) return unchanged(l, { kind: "queued", position: pos, already: true });
  const entry = {
    agent: args.agent,
    ...args.change !== void 0 ? { change: args.change } : {},
    enqueuedAt: isoTime(now)
  };
  const existing = l.queues.find((q) => q.path === args.path);
  const waiters = existing ? [...existing.waiters, entry] : [entry];
  const queues = l.queues.filter((q) => q !== existing).concat({ path: args.path, waiters });
  return {
    ledger: withLedger(l, { queues }),
    outcome: { kind: "queued", position: waiters.length, already: false },
    message: `queue ${holderLabel(args)} for ${args.path} (position ${waiters.length})`
  };
}
function dequeue(l, args) {
  const { queues, removed } = removeFromQueue(l, args.path, (w) => w.agent === args.agent);
  if (removed.length === 0) return unchanged(l, { kind: "not-queued" });
  return {
    ledger: withLedger(l, { queues }),
    outcome: { kind: "dequeued", entries: removed },
    message: `dequeue ${args.agent} from ${args.path}`
  };
}
function release(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  if (args.change !== void 0) checkNonEmpty("change", args.change);
  const c = args.change;
  const mine = (x) => c !== void 0 ? x.change === c : x.change === void 0 && x.agent === args.agent;
  const locks = l.locks.filter(mine);
  const intents = l.intents.filter(mine);
  const all = args.scope === "all" && c !== void 0;
  const footprint = all ? l.footprints.find((f) => f.change === c) ?? null : null;
  const override = all ? l.overrides.find((o) => o.change === c) ?? null : null;
  const arbitration = all ? (l.arbitrations ?? []).find((a) => a.change === c) ?? null : null;
  const queueEntries = [];
  const queues = [];
  let queuesChanged = false;
  for (const q of l.queues) {
    const gone = q.waiters.filter(mine);
    if (gone.length === 0) {
      queues.push(q);
      continue;
    }
    queuesChanged = true;
    for (const w of gone) queueEntries.push({ path: q.path, entry: w });
    const keep = q.waiters.filter((w) => !mine(w));
    if (keep.length > 0) queues.push({ path: q.path, waiters: keep });
  }
  const nothing = locks.length === 0 && intents.length === 0 && !footprint && !override && !queuesChanged && !arbitration;
  if (nothing) {
    return unchanged(l, { kind: "released", locks, intents, footprint, queueEntries, override, notify: [] });
  }
  const freedLedger = withLedger(l, {
    ...locks.length > 0 ? { locks: l.locks.filter((k) => !locks.includes(k)) } : {},
    ...intents.length > 0 ? { intents: l.intents.filter((i) => !intents.includes(i)) } : {},
    ...footprint ? { footprints: l.footprints.filter((f) => f !== footprint) } : {},
    ...override ? { overrides: l.overrides.filter((o) => o !== override) } : {},
    ...queuesChanged ? { queues } : {},
    ...arbitration ? { arbitrations: (l.arbitrations ?? []).filter((a) => a !== arbitration) } : {}
  });
  const freed = [...locks.map((k) => k.path), ...queueEntries.map((e) => e.path)];
  const notify = noticesFor(l, freedLedger, freed, now, locks);
  const ledger = stampNotified(freedLedger, notify, now);
  const parts = [];
  if (locks.length > 0) parts.push(plural(locks.length, "lock"));
  if (intents.length > 0) parts.push(plural(intents.length, "intent"));
  if (footprint) parts.push("footprint");
  if (queueEntries.length > 0) parts.push(queueEntries.length === 1 ? "1 queue entry" : `${queueEntries.length} queue entries`);
  if (override) parts.push("gate override");
  if (arbitration) parts.push("arbitration");
  const nextNote = notify.length > 0 ? `; next: ${notify.map((n) => `${n.next.agent} for ${n.path}`).join(", ")}` : "";
  return {
    ledger,
    outcome: { kind: "released", locks, intents, footprint, queueEntries, override, notify },
    message: `release ${c ?? args.agent}${all ? "" : " (claims)"}: ${parts.join(", ")}${nextNote}`
  };
}
function releaseChange(l, args, now) {
  checkNonEmpty("change", args.change);
  const r = release(l, { change: args.change, agent: "-", scope: "all" }, now);
  return r.message === null ? r : { ...r, message: r.message.replace(/^release (\S+) \(claims\)/, "release $1") };
}
function setOverride(l, override) {
  const parsed = GateOverrideSchema.safeParse(override);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TypeError(`invalid gate override: ${first ? `${first.path.join(".")}: ${first.message}` : "invalid"}`);
  }
  const previous = l.overrides.find((o) => o.change === override.change) ?? null;
  const same = previous && previous.by === override.by && previous.reason === override.reason && previous.at === override.at && previous.headSha === override.headSha;
  if (previous && same) return unchanged(l, { kind: "unchanged", override: previous });
  const overrides = l.overrides.filter((o) => o !== previous).concat(override);
  return {
    ledger: withLedger(l, { overrides }),
    outcome: { kind: "set", override, previous },
    message: `override gate for ${override.change} by ${override.by}: ${override.reason}`
  };
}
function clearOverride(l, args) {
  const override = l.overrides.find((o) => o.change === args.change);
  if (!override) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { overrides: l.overrides.filter((o) => o !== override) }),
    outcome: { kind: "cleared", override },
    message: `clear gate override for ${args.change}`
  };
}
function applyAll(l, steps) {
  let cur = l;
  const outcomes = [];
  const messages = [];
  for (const step of steps) {
    const r = step(cur);
    outcomes.push(r.outcome);
    if (r.ledger !== cur && r.message !== null) messages.push(r.message);
    cur = r.ledger;
  }
  return { ledger: cur, outcome: outcomes, message: messages.length > 0 ? messages.join("\n") : null };
}
function withBreakers(l, breakers) {
  return { ...l, breakers: [...breakers].sort((a, b) => a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0) };
}
function breakerGate(l, stream, holder, now) {
  const b = breakerOf(l, stream);
  const state = breakerState(b, now);
  if (!b || state === "CLOSED") return null;
  const refusal = () => ({
    kind: "breaker-open",
    stream: b.stream,
    state,
    breaker: b,
    trippedBy: b.trippedBy ?? null,
    halfOpensAt: b.halfOpensAt,
    trial: b.trial ?? null,
    details: describeBreaker(b, now)
  });
  if (state === "OPEN") return refusal();
  if (b.trial) return ownedBy(b.trial, holder) || sameHolder(b.trial, holder) ? null : refusal();
  const trial = { agent: holder.agent, ...holder.change !== void 0 ? { change: holder.change } : {}, at: isoTime(now) };
  return {
    kind: "trial",
    mark: (x) => withBreakers(x, (x.breakers ?? []).map((y) => y.stream === b.stream ? { ...y, trial } : y))
  };
}
function guarded(l, stream, holder, now, made, run) {
  checkNow(now);
  const gate = breakerGate(l, stream, holder, now);
  if (gate === null) return run();
  if (gate.kind === "breaker-open") return unchanged(l, gate);
  const r = run();
  if (!made.includes(r.outcome.kind) || r.message === null) return r;
  return { ...r, ledger: gate.mark(r.ledger), message: `${r.message}; the HALF_OPEN ${stream} breaker's trial` };
}
function acquireLock(l, args, now) {
  const holder = { agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} };
  const a = withSessionOf(l, args);
  const renewal = l.locks.some((k) => k.path === args.path && sameHolder(k, holder) && !isExpired(k, now));
  if (renewal) return seen(acquireLockUnguarded(l, a, now), args.agent, now);
  return seen(guarded(l, args.stream, holder, now, ["acquired"], () => acquireLockUnguarded(l, a, now)), args.agent, now);
}
function declareIntent(l, args, now) {
  const holder = { agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} };
  const a = withSessionOf(l, args);
  return seen(guarded(l, args.stream, holder, now, ["recorded"], () => declareIntentUnguarded(l, a, now)), args.agent, now);
}
function recordFailure(l, args, config, now) {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  checkNonEmpty("agent", args.agent);
  if (!Number.isInteger(config.failureThreshold) || config.failureThreshold < 1) throw new RangeError(`failureThreshold must be a positive integer, got ${config.failureThreshold}`);
  checkMinutes("windowMinutes", config.windowMinutes);
  checkMinutes("cooldownMinutes", config.cooldownMinutes);
  const prev = breakerOf(l, args.stream);
  const state = breakerState(prev, now);
  if (prev && args.ref !== void 0 && (prev.failures.some((f) => f.ref === args.ref) || prev.trippedBy?.ref === args.ref)) {
    return unchanged(l, { kind: "duplicate", breaker: prev });
  }
  if (prev && state === "OPEN") return unchanged(l, { kind: "already-open", breaker: prev });
  const failure = {
    at: isoTime(now),
    agent: args.agent,
    error: args.error,
    ...args.change !== void 0 ? { change: args.change } : {},
    ...args.ref !== void 0 ? { ref: args.ref } : {}
  };
  const others = (l.breakers ?? []).filter((b) => b !== prev);
  const who2 = holderLabel({ agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} });
  const open = (failures2) => ({
    stream: args.stream,
    failures: failures2,
    openedAt: isoTime(now),
    halfOpensAt: isoTime(now + config.cooldownMinutes * MINUTE),
    trippedBy: failure
  });
  if (prev && state === "HALF_OPEN") {
    const breaker2 = open([failure]);
    return {
      ledger: withBreakers(l, [...others, breaker2]),
      outcome: { kind: "tripped", breaker: breaker2, from: "HALF_OPEN" },
      message: `breaker ${args.stream} OPEN again: the half-open trial failed (${who2}: ${args.error}); half-opens at ${shortTime(breaker2.halfOpensAt)}`
    };
  }
  const since = now - config.windowMinutes * MINUTE;
  const failures = [...(prev?.failures ?? []).filter((f) => ms(f.at) > since), failure].slice(-config.failureThreshold);
  if (failures.length >= config.failureThreshold) {
    const breaker2 = open(failures);
    return {
      ledger: withBreakers(l, [...others, breaker2]),
      outcome: { kind: "tripped", breaker: breaker2, from: "CLOSED" },
      message: `breaker ${args.stream} OPEN: ${plural(failures.length, "failure")} in ${config.windowMinutes} min, the last by ${who2}: ${args.error}; half-opens at ${shortTime(breaker2.halfOpensAt)}`
    };
  }
  const breaker = { stream: args.stream, failures };
  return {
    ledger: withBreakers(l, [...others, breaker]),
    outcome: { kind: "counted", breaker, count: failures.length, threshold: config.failureThreshold },
    message: `breaker ${args.stream}: failure ${failures.length} of ${config.failureThreshold} by ${who2}: ${args.error}`
  };
}
function recordSuccess(l, args, now) {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  const prev = breakerOf(l, args.stream);
  const state = breakerState(prev, now);
  if (!prev || state !== "HALF_OPEN") return unchanged(l, { kind: "unchanged", state });
  const by = args.agent ? ` (${holderLabel({ agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} })})` : "";
  return {
    ledger: withBreakers(l, (l.breakers ?? []).filter((b) => b !== prev)),
    outcome: { kind: "closed", breaker: prev },
    message: `breaker ${args.stream} CLOSED: a success while half-open${by}`
  };
}
function resetBreaker(l, args, now) {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  checkNonEmpty("by", args.by);
  const prev = breakerOf(l, args.stream);
  if (!prev) return unchanged(l, { kind: "not-found" });
  const state = breakerState(prev, now);
  return {
    ledger: withBreakers(l, (l.breakers ?? []).filter((b) => b !== prev)),
    outcome: { kind: "reset", breaker: prev, state },
    message: `breaker ${args.stream} reset (was ${state}) by ${args.by}${args.reason ? `: ${args.reason}` : ""}`
  };
}
var HANDOFFS_KEPT = 50;
function handoff(l, args, now) {
  checkNow(now);
  checkNonEmpty("handoff id", args.id);
  checkNonEmpty("from agent", args.from);
  checkNonEmpty("to agent", args.to);
  if (args.change !== void 0) checkNonEmpty("change", args.change);
  if (args.from === args.to) {
    return unchanged(l, { kind: "same-agent", reason: `${args.from} cannot hand off to itself: name another agent with --to` });
  }
  const moves = (x) => x.agent === args.from && (args.change === void 0 || x.change === args.change);
  const locks = l.locks.filter((k) => moves(k) && !isExpired(k, now));
  const intents = l.intents.filter((i) => moves(i) && !isExpired(i, now));
  const pairs = [];
  for (const g of locks) {
    for (const r of liveLocks(l, now)) {
      if (r.agent !== args.to || (r.change ?? null) === (g.change ?? null)) continue;
      if (globsIntersect(r.path, g.path)) pairs.push({ giver: g, receiver: r });
    }
  }
  if (pairs.length > 0) {
    const list = pairs.map((p) => `${p.giver.path} (${holderLabel(p.giver)}) meets ${p.receiver.path} (${holderLabel(p.receiver)})`);
    return unchanged(l, {
      kind: "receiver-conflict",
      pairs,
      reason: `${args.to} already holds locks that overlap ${args.from}'s: ${listPaths(list, 3)}. Release one side first (\`pucs release\`), then hand off.`
    });
  }
  const moved = (x) => ({ ...x, agent: args.to });
  const queueEntries = [];
  let queuesChanged = false;
  const queues = l.queues.map((q) => {
    if (!q.waiters.some(moves)) return q;
    queuesChanged = true;
    const waiters = [];
    for (const w of q.waiters) {
      const n = moves(w) ? moved(w) : w;
      if (moves(w)) queueEntries.push({ path: q.path, entry: w });
      if (!waiters.some((x) => sameHolder(x, n))) waiters.push(n);
    }
    return { path: q.path, waiters };
  });
  const stream = args.stream !== void 0 ? args.stream : locks[0]?.stream ?? intents[0]?.stream ?? null;
  const related = [.../* @__PURE__ */ new Set([...args.relatedFiles ?? [], ...intents.flatMap((i) => i.files)])];
  const record = {
    id: args.id,
    from_agent: args.from,
    to_agent: args.to,
    timestamp: isoTime(now),
    session_id: args.sessionId !== void 0 ? args.sessionId : l.session?.id ?? null,
    context: {
      completed: [...args.completed ?? []],
      pending: [...args.pending ?? []],
      warnings: [...args.warnings ?? []],
      commits: [...args.commits ?? []],
      branch: args.branch ?? null
    },
    stream_context: { stream_id: stream, locked_files: locks.map((k) => k.path), related_files: related },
    files_to_review: [...args.filesToReview ?? []],
    ...args.change !== void 0 ? { change: args.change } : {},
    ...args.note ? { note: args.note } : {}
  };
  const all = [...(l.handoffs ?? []).filter((h) => h.id !== args.id), record].sort((a, b) => a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : 1);
  const dropped = all.length > HANDOFFS_KEPT ? all.slice(0, all.length - HANDOFFS_KEPT) : [];
  const handoffs = all.slice(dropped.length);
  const ledger = withLedger(l, {
    ...locks.length > 0 ? { locks: l.locks.map((k) => locks.includes(k) ? moved(k) : k) } : {},
    ...intents.length > 0 ? { intents: l.intents.map((i) => intents.includes(i) ? moved(i) : i) } : {},
    ...queuesChanged ? { queues } : {},
    handoffs
  });
  const parts = [];
  if (locks.length > 0) parts.push(plural(locks.length, "lock"));
  if (intents.length > 0) parts.push(plural(intents.length, "intent"));
  if (queueEntries.length > 0) parts.push(queueEntries.length === 1 ? "1 queue place" : `${queueEntries.length} queue places`);
  return {
    ledger,
    outcome: { kind: "handed-off", handoff: record, locks, intents, queueEntries, dropped },
    message: `handoff ${args.from} → ${args.to}${args.change ? ` (${args.change})` : ""}: ${parts.length > 0 ? parts.join(", ") : "no claims"} moved`
  };
}
function pendingHandoffs(l, agent) {
  return (l.handoffs ?? []).filter((h) => h.to_agent === agent && h.acknowledgedAt === void 0).reverse();
}
function ackHandoffs(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const pending = (l.handoffs ?? []).filter((h) => h.to_agent === args.agent && h.acknowledgedAt === void 0);
  if (pending.length === 0) return unchanged(l, { kind: "acknowledged", handoffs: [] });
  const at = isoTime(now);
  return {
    ledger: { ...l, handoffs: (l.handoffs ?? []).map((h) => pending.includes(h) ? { ...h, acknowledgedAt: at } : h) },
    outcome: { kind: "acknowledged", handoffs: pending },
    message: `${args.agent} acknowledged ${plural(pending.length, "handoff")}`
  };
}
var MERGES_KEPT = 50;
function recordMerge(l, args, now) {
  checkNow(now);
  checkNonEmpty("change", args.change);
  checkNonEmpty("mergeSha", args.mergeSha);
  const known = (l.merges ?? []).find((m) => m.change === args.change && m.mergeSha === args.mergeSha);
  if (known) return unchanged(l, { kind: "known", merge: known });
  const fp = l.footprints.find((f) => f.change === args.change);
  if (!fp) return unchanged(l, { kind: "untracked" });
  const title = args.title ?? fp.title;
  const merge = {
    change: args.change,
    mergeSha: args.mergeSha,
    stream: fp.stream,
    agent: fp.agent,
    ...args.author ? { author: args.author } : {},
    ...title ? { title } : {},
    ...args.nodeId ? { nodeId: args.nodeId } : {},
    mergedAt: isoTime(now)
  };
  const all = [...(l.merges ?? []).filter((m) => m.change !== args.change), merge].sort((a, b) => a.mergedAt < b.mergedAt ? -1 : a.mergedAt > b.mergedAt ? 1 : a.change < b.change ? -1 : 1);
  const dropped = all.length > MERGES_KEPT ? all.slice(0, all.length - MERGES_KEPT) : [];
  return {
    ledger: { ...l, merges: all.slice(dropped.length) },
    outcome: { kind: "recorded", merge, dropped },
    message: `merged ${args.change} as ${args.mergeSha.slice(0, 7)} (${holderLabel({ agent: fp.agent, stream: fp.stream })}): kept for ROLLBACK`
  };
}
function suggestRollback(l, args, now) {
  checkNow(now);
  checkNonEmpty("ref", args.ref);
  const prev = (l.merges ?? []).find((m) => m.mergeSha === args.mergeSha);
  if (!prev) return unchanged(l, { kind: "untracked" });
  if (prev.rollback) return unchanged(l, { kind: "already", merge: prev });
  const merge = { ...prev, rollback: { at: isoTime(now), checks: [...args.checks], ref: args.ref } };
  return {
    ledger: { ...l, merges: (l.merges ?? []).map((m) => m === prev ? merge : m) },
    outcome: { kind: "suggested", merge },
    message: `ROLLBACK suggested for ${prev.change}${prev.stream ? ` (${prev.stream})` : ""}: its merge ${args.mergeSha.slice(0, 7)} fails on the default branch (${args.checks.join(", ") || args.ref})`
  };
}
function markRolledBack(l, args, now) {
  checkNow(now);
  checkNonEmpty("by", args.by);
  const prev = (l.merges ?? []).find((m) => m.change === args.change) ?? null;
  if (!prev || !prev.rollback) return unchanged(l, { kind: "no-suggestion", merge: prev });
  if (prev.rollback.done) return unchanged(l, { kind: "already-done", merge: prev });
  const merge = { ...prev, rollback: { ...prev.rollback, done: { by: args.by, at: isoTime(now), revert: args.revert, ...args.url ? { url: args.url } : {} } } };
  return {
    ledger: { ...l, merges: (l.merges ?? []).map((m) => m === prev ? merge : m) },
    outcome: { kind: "done", merge },
    message: `ROLLBACK of ${args.change} opened by ${args.by}: revert #${args.revert}`
  };
}
function withArbitration(l, prev, next) {
  const rest = (l.arbitrations ?? []).filter((a) => a !== prev);
  return { ...l, arbitrations: [...rest, next].sort((a, b) => a.change < b.change ? -1 : a.change > b.change ? 1 : 0) };
}
function requestArbitration(l, args, now) {
  checkNow(now);
  checkNonEmpty("change", args.change);
  const prev = (l.arbitrations ?? []).find((a) => a.change === args.change) ?? null;
  if (prev?.requested) return unchanged(l, { kind: "already", arbitration: prev });
  const arbitration = { change: args.change, requested: { at: isoTime(now), reviewers: [...args.reviewers], teams: [...args.teams] }, decisions: prev?.decisions ?? [] };
  const names = [...args.reviewers, ...args.teams].map((x) => `@${x}`).join(", ");
  return {
    ledger: withArbitration(l, prev, arbitration),
    outcome: { kind: "requested", arbitration },
    message: `ARBITRATE ${args.change}: review requested from ${names}`
  };
}
function decideArbitration(l, args, now) {
  checkNow(now);
  checkNonEmpty("change", args.change);
  checkNonEmpty("by", args.by);
  if (args.keys.length === 0) return unchanged(l, { kind: "nothing-to-decide" });
  const prev = (l.arbitrations ?? []).find((a) => a.change === args.change) ?? null;
  const decision = { by: args.by, note: args.note, at: isoTime(now), headSha: args.headSha, keys: [...args.keys] };
  const arbitration = { ...prev ?? { change: args.change }, decisions: [...prev?.decisions ?? [], decision] };
  return {
    ledger: withArbitration(l, prev, arbitration),
    outcome: { kind: "decided", decision, arbitration },
    message: `ARBITRATE ${args.change} decided by ${args.by}${args.headSha ? ` at ${args.headSha.slice(0, 7)}` : ""} (${args.keys.join(", ")})${args.note ? `: ${args.note}` : ""}`
  };
}

export {
  sessionIdProblem,
  mergedChange,
  parseUnifiedDiff,
  footprintFile,
  definitionsOf,
  partitionedFiles,
  streamLabel,
  streamOfChange,
  ownsClaim,
  changeOfFootprint,
  changeAtHead,
  compareConflicts,
  evaluate,
  verdictOf,
  isoTime,
  shortTime,
  isExpired,
  sameHolder,
  ownedBy,
  holderLabel,
  liveLocks,
  liveIntents,
  conflictingLocks,
  queuePosition,
  noticesFor,
  stampNotified,
  startSession,
  startNewSession,
  sessionOf,
  touchAgent,
  registerAgent,
  tooLongReason,
  releaseLock,
  extendLocks,
  signalIntent,
  clearIntent,
  recordFootprint,
  removeFootprint,
  expire,
  enqueue,
  dequeue,
  release,
  releaseChange,
  setOverride,
  clearOverride,
  applyAll,
  acquireLock,
  declareIntent,
  recordFailure,
  recordSuccess,
  resetBreaker,
  HANDOFFS_KEPT,
  handoff,
  pendingHandoffs,
  ackHandoffs,
  MERGES_KEPT,
  recordMerge,
  suggestRollback,
  markRolledBack,
  requestArbitration,
  decideArbitration
};
