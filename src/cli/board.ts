/**
 * `pucs board`: a live, full-screen view of streams, locks, queues and conflicts across every
 * worktree of the repository (they share `refs/pucs/ledger` in the common git dir).
 *
 * It redraws when the ledger ref moves: `fs.watch` on `<common dir>/refs/pucs` (where `git update-ref`
 * renames `ledger.lock` onto `ledger`) and on the common dir itself (for `packed-refs`); no polling
 * loop. A minute timer redraws too, so that an expiry shows without a write. `q` (or Ctrl-C) quits,
 * `r` redraws. When stdout is not a terminal it prints the board once, plainly, and returns.
 */
import { mkdirSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { formatDuration } from "../engine/duration.js";
import type { StatusDocument } from "../engine/status.js";

export interface BoardIo {
  /** Writes to the terminal. */
  write(text: string): void;
  isTTY: boolean;
  columns: number;
  rows: number;
  /** Raw key input (a TTY's stdin); null when there is none. */
  keys: NodeJS.ReadStream | null;
}

const ESC = "\x1b[";
const STATE_MARK: Record<string, string> = { idle: "·", active: "●", blocked: "✖" };

function fit(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** The board as lines of plain text (no escape codes). */
export function boardLines(doc: StatusDocument, now: number, source: string): string[] {
  const out: string[] = [];
  const queued = doc.queues.reduce((n, q) => n + q.waiters.length, 0);
  out.push(`PUCS board — ${source}${doc.session ? ` — session ${doc.session.id}` : ""}`);
  out.push(`${doc.changes.length} open change(s), ${doc.locks.length} live lock(s)${doc.expiredLocks ? ` (+${doc.expiredLocks} expired)` : ""}, ${doc.intents.length} intent(s), ${queued} waiting`);
  out.push("");
  out.push("STREAMS");
  if (doc.streams.length === 0) out.push("  (no valid config: streams unknown)");
  doc.phases.forEach((layer, i) => {
    const cells = layer.map((id) => {
      const s = doc.streams.find((x) => x.id === id);
      return `${STATE_MARK[s?.state ?? "idle"]} ${id} ${s?.state ?? "idle"}${s && s.changes.length ? ` (${s.changes.join(" ")})` : ""}`;
    });
    out.push(`  Phase ${i + 1}: ${cells.join("   ")}`);
  });
  out.push("");
  out.push("LOCKS");
  if (doc.locks.length === 0) out.push("  (none)");
  for (const k of doc.locks) {
    out.push(`  ${k.path}  ${k.agent}${k.change ? ` ${k.change}` : ""} [${k.stream ?? "no stream"}] "${k.task}"  ${formatDuration(Math.max(0, Date.parse(k.expiresAt) - now))} left`);
  }
  out.push("");
  out.push("QUEUES");
  if (doc.queues.length === 0) out.push("  (none)");
  for (const q of doc.queues) out.push(`  ${q.path}: ${q.waiters.map((w) => `${w.position}. ${w.agent}${w.change ? ` (${w.change})` : ""}`).join("  ")}`);
  out.push("");
  out.push("INTENTS");
  if (doc.intents.length === 0) out.push("  (none)");
  for (const x of doc.intents) out.push(`  ${x.agent} [${x.stream ?? "no stream"}] ${x.files.slice(0, 3).join(", ")}${x.files.length > 3 ? ` +${x.files.length - 3}` : ""}  "${x.description}"`);
  out.push("");
  out.push("CHANGES AND CONFLICTS");
  if (doc.changes.length === 0) out.push("  (none)");
  for (const c of doc.changes) {
    out.push(`  ${c.change} ${c.agent} [${c.stream ?? "no stream"}] ${c.verdict}, gate ${c.gate}${c.blockedBy.length ? ` (waits for ${c.blockedBy.join(", ")})` : ""}`);
    for (const x of c.conflicts.slice(0, 5)) out.push(`      ${x.type} ${x.file || "(change)"} ↔ ${x.holderChange ?? x.holder} → ${x.strategy}`);
    if (c.conflicts.length > 5) out.push(`      … ${c.conflicts.length - 5} more`);
  }
  return out;
}

export interface BoardOptions {
  /** Reads the ledger and builds the status document; `version` tells whether anything moved. */
  load(): Promise<{ doc: StatusDocument; version: string | null }>;
  now(): number;
  /** The repository's common git dir (watched), or null for a remote ledger (no watch: `r` redraws). */
  commonDir: string | null;
  source: string;
  io: BoardIo;
}

/** Runs the board until `q`; resolves with the exit code. Not a TTY: one plain print. */
export async function runBoard(opts: BoardOptions): Promise<number> {
  const { io } = opts;
  let { doc, version } = await opts.load();
  if (!io.isTTY || !io.keys) {
    io.write(boardLines(doc, opts.now(), opts.source).join("\n") + "\n");
    return 0;
  }
  const draw = () => {
    const width = Math.max(20, io.columns);
    const height = Math.max(5, io.rows);
    const lines = boardLines(doc, opts.now(), opts.source).map((l) => fit(l, width));
    const shown = lines.length > height - 1 ? [...lines.slice(0, height - 2), `… ${lines.length - height + 2} more lines`] : lines;
    io.write(`${ESC}H${ESC}2J${shown.join("\r\n")}\r\n${ESC}7m q quit · r redraw · watching the ledger ref ${ESC}0m`);
  };
  io.write(`${ESC}?1049h${ESC}?25l`);
  draw();

  return await new Promise<number>((resolve) => {
    const watchers: FSWatcher[] = [];
    let pending: NodeJS.Timeout | null = null;
    let reading = false;
    let again = false;
    const refresh = async (force: boolean) => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        const next = await opts.load();
        if (force || next.version !== version) {
          doc = next.doc;
          version = next.version;
          draw();
        }
      } catch (e) {
        io.write(`${ESC}H${ESC}2Jcannot read the ledger: ${(e as Error).message}\r\n`);
      } finally {
        reading = false;
        if (again) {
          again = false;
          void refresh(false);
        }
      }
    };
    const schedule = () => {
      if (pending) clearTimeout(pending);
      // A ref update is a lock file, a rename, maybe a packed-refs rewrite: read once they settle.
      pending = setTimeout(() => {
        pending = null;
        void refresh(false);
      }, 30);
    };
    if (opts.commonDir) {
      const refsDir = join(opts.commonDir, "refs", "pucs");
      mkdirSync(refsDir, { recursive: true });
      watchers.push(watch(refsDir, () => schedule()));
      watchers.push(watch(opts.commonDir, (_e, name) => {
        if (name === null || String(name).startsWith("packed-refs")) schedule();
      }));
    }
    const minute = setInterval(() => void refresh(true), 60_000);
    const keys = io.keys!;
    const wasRaw = keys.isRaw;
    keys.setRawMode?.(true);
    keys.resume();
    const onKey = (buf: Buffer) => {
      const k = buf.toString("utf8");
      if (k === "q" || k === "Q" || k === "\x03") finish(0);
      else if (k === "r" || k === "R") void refresh(true);
    };
    const finish = (code: number) => {
      for (const w of watchers) w.close();
      clearInterval(minute);
      if (pending) clearTimeout(pending);
      keys.off("data", onKey);
      keys.setRawMode?.(wasRaw ?? false);
      keys.pause();
      io.write(`${ESC}?25h${ESC}?1049l`);
      resolve(code);
    };
    keys.on("data", onKey);
  });
}
