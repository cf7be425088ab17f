/**
 * Conformance R1 — the stream of a change, the same on the CLI, the App and the gate:
 * its `pucs:stream:<ID>` label, else the `[PUCS-<ID>]` prefix of its PR title or commit subjects (the
 * title counts as one more subject; the stream named most wins; ties to the stream declared first),
 * else its `feature/stream-<ID>[-topic]` branch, else the stream owning most of its files, else none.
 *
 * The CLI has no title and no labels: label and title scenarios compare the App with the gate (and,
 * for the label, with `pucs check --stream`, the CLI's way to declare a stream); every other scenario
 * runs through all three. Issue 10 problem 1 is the title scenario: the App used to say EXEC.
 *
 * Shipped config, streams in declaration order: EXEC, LLM, SCAN, RISK, BACK, OBS, API; phases
 * OBS, SCAN, BACK → EXEC, LLM, RISK → API; API depends on the `execution` area (DEPENDENCY).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_FILES, editLine, play, World, type PlayResult } from "./harness.js";

let world: World;
beforeAll(async () => {
  // The real `pucs` process (dist/cli.js) for this file: what a user runs.
  world = await World.start({ cliMode: "process" });
});
afterAll(async () => world?.stop());

const A = editLine(BASE_FILES["execution/a.py"]!, 5, "    x3 = 33");
const B = editLine(BASE_FILES["execution/b.py"]!, 5, "    x3 = 33");
const ROUTES = editLine(BASE_FILES["api/routes.py"]!, 5, "    x3 = 33");
const NOTES = "# notes\n\nsomething now\n";

/** The stream every surface gives, and what the gate makes of it (its first stream is the change's own). */
function streams(r: PlayResult): { cli: string | null | undefined; app: string | null; gate: string | null } {
  return { cli: r.played.cli === null ? undefined : r.played.cli.stream, app: r.played.app.stream, gate: r.played.gate.stream };
}

describe("R1: the stream of a change is the same on every surface", () => {
  it("label: pucs:stream:OBS wins over a [PUCS-API] commit; the CLI's --stream OBS gives the same report", async () => {
    const scene = await world.scene();
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-API] feat: tune a", files: { "execution/a.py": A } }], labels: ["pucs:stream:OBS"], cli: ["--stream", "OBS"] });
    expect(streams(r)).toEqual({ cli: "OBS", app: "OBS", gate: "OBS" });
    expect(r.app.report.streamSource).toBe("label");
    expect(r.played.cli!.conflicts).toEqual(r.played.app.conflicts);
    expect(r.played.cli!.verdict).toBe(r.played.app.verdict);
    // OBS's own files are not touched: its phase comes from the files' owner too (EXEC, phase 2).
    expect(r.gate.streams.split(",")).toEqual(["OBS", "EXEC"]);
  });

  it("title (issue 10, problem 1): a PR titled [PUCS-API] on branch topic touching execution/a.py is API for the App and the gate", async () => {
    const scene = await world.scene();
    const r = await play(scene, { author: "alice", commits: [{ message: "feat: tune a", files: { "execution/a.py": A } }], title: "[PUCS-API] feat: tune a", cli: false });
    expect(streams(r)).toEqual({ cli: undefined, app: "API", gate: "API" });
    expect(r.app.report.streamSource).toBe("commit");
    expect(r.gate.streams.split(",")).toEqual(["API", "EXEC"]);
    // API depends on the execution area: the App reports it (the DEPENDENCY rule applies to the stream the title gave).
    expect(r.played.app.conflicts.map((k) => k.split(" ").slice(0, 2).join(" "))).toEqual(["DEPENDENCY execution/a.py"]);
  });

  it("commit: [PUCS-API] commits, a title without prefix → API on the CLI, the App and the gate, same conflicts", async () => {
    const scene = await world.scene();
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-API] feat: tune a", files: { "execution/a.py": A } }], title: "tune a" });
    expect(streams(r)).toEqual({ cli: "API", app: "API", gate: "API" });
    expect(r.played.cli).toEqual(r.played.app);
    expect(r.cli!.report.streamSource).toBe("commit");
    expect(r.app.report.streamSource).toBe("commit");
    expect(r.played.app.conflicts.map((k) => k.split(" ").slice(0, 2).join(" "))).toEqual(["DEPENDENCY execution/a.py"]);
  });

  it("commits: the stream named most wins (2 × API against 1 × EXEC, EXEC first)", async () => {
    const scene = await world.scene();
    const r = await play(scene, {
      author: "alice",
      commits: [
        { message: "[PUCS-EXEC] feat: a", files: { "execution/a.py": A } },
        { message: "[PUCS-API] feat: b", files: { "execution/b.py": B } },
        { message: "[PUCS-API] feat: routes", files: { "api/routes.py": ROUTES } },
      ],
      title: "three commits",
    });
    expect(streams(r)).toEqual({ cli: "API", app: "API", gate: "API" });
    expect(r.played.cli).toEqual(r.played.app);
  });

  it("commits: a tie goes to the stream declared first (API named first, EXEC declared first → EXEC)", async () => {
    const scene = await world.scene();
    const r = await play(scene, {
      author: "alice",
      commits: [
        { message: "[PUCS-API] feat: routes", files: { "api/routes.py": ROUTES } },
        { message: "[PUCS-EXEC] feat: a", files: { "execution/a.py": A } },
      ],
      title: "a tie",
    });
    expect(streams(r)).toEqual({ cli: "EXEC", app: "EXEC", gate: "EXEC" });
    expect(r.played.cli).toEqual(r.played.app);
  });

  it("title + commits: the title is one more subject ([PUCS-API] title + [PUCS-EXEC] commit is a tie → EXEC on the App and the gate)", async () => {
    const scene = await world.scene();
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-EXEC] feat: a", files: { "api/routes.py": ROUTES } }], title: "[PUCS-API] feat: routes", cli: false });
    expect(streams(r)).toEqual({ cli: undefined, app: "EXEC", gate: "EXEC" });
  });

  it("branch: `pucs worktree add LLM` (feature/stream-LLM), no prefix anywhere → LLM on every surface", async () => {
    const scene = await world.scene();
    const r = await play(scene, { author: "alice", worktree: "LLM", commits: [{ message: "feat: tune a", files: { "execution/a.py": A } }], title: "tune a" });
    expect(r.app.report.streamSource).toBe("branch");
    expect(streams(r)).toEqual({ cli: "LLM", app: "LLM", gate: "LLM" });
    expect(r.played.cli).toEqual(r.played.app);
  });

  it("branch with a topic: feature/stream-LLM-sentiment → LLM on every surface", async () => {
    const scene = await world.scene();
    const r = await play(scene, { author: "alice", branch: "feature/stream-LLM-sentiment", commits: [{ message: "feat: tune a", files: { "execution/a.py": A } }], title: "tune a" });
    expect(streams(r)).toEqual({ cli: "LLM", app: "LLM", gate: "LLM" });
    expect(r.played.cli).toEqual(r.played.app);
  });

  it("majority of files: two EXEC files and one API file on branch topic → EXEC; the gate phases it by its latest stream (API)", async () => {
    const scene = await world.scene();
    const r = await play(scene, { author: "alice", commits: [{ message: "feat: tune", files: { "execution/a.py": A, "execution/b.py": B, "api/routes.py": ROUTES } }], title: "tune" });
    expect(r.app.report.streamSource).toBe("files");
    expect(streams(r)).toEqual({ cli: "EXEC", app: "EXEC", gate: "EXEC" });
    expect(r.gate.streams.split(",")).toEqual(["EXEC", "API"]);
    expect(r.played.cli).toEqual(r.played.app);
    expect(r.played.app).toEqual({ stream: "EXEC", verdict: "clear", conflicts: [] });
  });

  it("none: a file no stream owns, no label, prefix or stream branch → no stream anywhere; the gate lets it pass", async () => {
    const scene = await world.scene();
    const r = await play(scene, { author: "alice", commits: [{ message: "docs: notes", files: { "docs/notes.md": NOTES } }], title: "notes" });
    expect(streams(r)).toEqual({ cli: null, app: null, gate: null });
    expect(r.played.app).toEqual({ stream: null, verdict: "clear", conflicts: [] });
    expect(r.played.cli).toEqual(r.played.app);
    expect(r.gate.status?.state).toBe("success");
  });
});
