/**
 * Which stream a change (a PR, or the local branch) works for. DESIGN.md §3, first match wins:
 *
 * 1. label  — a `pucs:stream:<ID>` label (prefix and id case-insensitive, id must be a configured
 *             stream). An unknown id, or labels naming two different streams, is reported in
 *             `problems` and that step is skipped (a valid label alongside an unknown one still wins).
 * 2. commit — the `[PUCS-<ID>]` prefix of its title and its commit subjects (seed §5.2; the title counts
 *             as one more subject): the configured stream named most; ties go to the stream declared
 *             first. Unknown ids are reported.
 * 3. branch — `feature/stream-<ID>` or `feature/stream-<ID>-<anything>` (seed §5.1 and its handoff
 *             example `feature/stream-exec-fill-predictor`), case-insensitive, `refs/heads/` ignored;
 *             when several stream ids fit (EXEC and EXEC-FAST), the longest wins. A branch of that
 *             shape naming no configured stream is reported.
 * 4. files  — the stream owning most of its files (classify.ts), ties to the stream declared first.
 * 5. none.
 *
 * `streams` lists every stream owning one of the change's files (a rename counts its old path too),
 * in declaration order, whatever decided `stream`.
 *
 * Pure: no I/O.
 */

import { classify, type FileClass } from "./classify.js";
import { commitPrefixStream } from "./commit-protocol.js";
import type { Change, Config, StreamConfig } from "./types.js";

export interface ChangeStream {
  stream: string | null;
  source: "label" | "commit" | "branch" | "files" | "none";
  /** Owner streams of the change's files, declaration order. */
  streams: string[];
  /** Things a person should fix (unknown stream labels, conflicting labels, ...), in the order found. */
  problems: string[];
}

const LABEL_PREFIX = "pucs:stream:";

/** The label that puts a change in a stream: "pucs:stream:EXEC". */
export function streamLabel(id: string): string {
  return `${LABEL_PREFIX}${id}`;
}

/** The stream id of a `pucs:stream:<ID>` label (prefix case-insensitive, id as written), or null. */
export function parseStreamLabel(label: string): string | null {
  const t = label.trim();
  if (t.length <= LABEL_PREFIX.length || t.slice(0, LABEL_PREFIX.length).toLowerCase() !== LABEL_PREFIX) return null;
  const id = t.slice(LABEL_PREFIX.length).trim();
  return id === "" ? null : id;
}

function findStream(config: Config, raw: string): StreamConfig | undefined {
  const lower = raw.toLowerCase();
  return config.streams.find((s) => s.id.toLowerCase() === lower);
}

function configured(config: Config): string {
  return config.streams.map((s) => s.id).join(", ") || "none";
}

/** The stream named by a `feature/stream-...` branch: { id } when configured, { unknown } when the
 *  branch has that shape but names no configured stream, null otherwise. */
export function streamOfBranch(branch: string, config: Config): { id: string } | { unknown: string } | null {
  const name = branch.replace(/^refs\/heads\//, "");
  const m = /^feature\/stream-(.+)$/i.exec(name);
  if (!m) return null;
  const rest = (m[1] as string).toLowerCase();
  let best: StreamConfig | undefined;
  for (const s of config.streams) {
    const id = s.id.toLowerCase();
    if ((rest === id || rest.startsWith(`${id}-`)) && (!best || s.id.length > best.id.length)) best = s;
  }
  if (best) return { id: best.id };
  return { unknown: (m[1] as string).split("-")[0] as string };
}

/**
 * `classes` may pass `classify(change.files.map((f) => f.path), config)` when the caller already has
 * it (evaluate does), so a large change is classified once.
 */
export function streamOfChange(change: Change, config: Config, classes_?: readonly FileClass[]): ChangeStream {
  const problems: string[] = [];
  const order = new Map(config.streams.map((s, i) => [s.id, i]));

  // Owner streams of the files (current and previous paths).
  const classes =
    classes_ ??
    classify(
      change.files.map((f) => f.path),
      config,
    );
  const previous = classify(
    change.files.flatMap((f) => (f.previousPath !== undefined && f.previousPath !== f.path ? [f.previousPath] : [])),
    config,
  );
  const touched = new Set<string>();
  for (const c of classes) if (c.stream) touched.add(c.stream);
  for (const c of previous) if (c.stream) touched.add(c.stream);
  const streams = [...touched].sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
  const result = (stream: string | null, source: ChangeStream["source"]): ChangeStream => ({ stream, source, streams, problems });

  // 1. Labels.
  const labelled: string[] = [];
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
    return result(labelled[0] as string, "label");
  }

  // 2. Commit prefixes.
  const counts = new Map<string, number>();
  const unknownCommitIds: string[] = [];
  const subjects = change.title ? [change.title, ...(change.commitMessages ?? [])] : (change.commitMessages ?? []);
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

  // 3. Branch.
  if (change.branch) {
    const b = streamOfBranch(change.branch, config);
    if (b && "id" in b) return result(b.id, "branch");
    if (b) {
      problems.push(
        `branch "${change.branch}" names no configured stream ("${b.unknown}"; configured: ${configured(config)}); name it feature/stream-<STREAM> or feature/stream-<STREAM>-<topic>`,
      );
    }
  }

  // 4. Files: the owner of most files (current paths only).
  const owned = new Map<string, number>();
  for (const c of classes) if (c.stream) owned.set(c.stream, (owned.get(c.stream) ?? 0) + 1);
  const byFiles = mostCommon(owned, order);
  if (byFiles) return result(byFiles, "files");
  return result(null, "none");
}

/** The key with the highest count; ties to the stream declared first. */
function mostCommon(counts: Map<string, number>, order: Map<string, number>): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [id, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== null && (order.get(id) as number) < (order.get(best) as number))) {
      best = id;
      bestCount = n;
    }
  }
  return best;
}
