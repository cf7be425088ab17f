import { describe, expect, it } from "vitest";
import { footprintFile, parsePatch } from "../../src/engine/diff.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { histogramRegions, type BodyLine } from "../../src/engine/histogram.js";
import type { ChangedFile, Footprint } from "../../src/engine/types.js";
import { T0, emptyLedgerFixture, iso, seedConfig } from "./fixtures.js";

const body = (patch: string): BodyLine[] =>
  patch
    .split("\n")
    .slice(1)
    .map((l) => ({ kind: l[0] as BodyLine["kind"], text: l.slice(1) }));
const regions = (patch: string, oldStart = 1) => histogramRegions(body(patch), oldStart).map((r) => [r.start, r.end, r.added]);

// urfave/cli 16c0635dd4, .gitignore: one side sorts the file and adds a line (GitHub's Myers patch).
const GITIGNORE = [
  "@@ -1,10 +1,12 @@",
  " *.coverprofile",
  "+*.exe",
  " *.orig",
  "-vendor",
  "+.*envrc",
  "+.envrc",
  " .idea",
  "-internal/*/built-example",
  "-coverage.txt",
  " /.local/",
  "+/cmd/urfave-cli-genflags/urfave-cli-genflags",
  " /site/",
  "-",
  "-*.exe",
  "+coverage.txt",
  "+internal/*/built-example",
  "+vendor",
].join("\n");

describe("histogramRegions: a hunk as git's merge aligns it", () => {
  it("agrees with the patch where the alignment is not in doubt: no alternative is kept", () => {
    expect(regions("@@\n a\n-b\n+B\n c\n d")).toEqual([[2, 2, ["B"]]]);
    expect(regions("@@\n a\n+x\n b", 10)).toEqual([[11, 10, ["x"]]]);
    expect(parsePatch("@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d").hunks[0]!.alt).toBeUndefined();
    // The same change among equal lines keeps the patch's own place (git's indent heuristic chose it).
    expect(regions("@@\n a\n \n+\n \n b")).toEqual([[3, 2, [""]]]);
  });

  it("anchors on the rarest common line, as git diff --histogram does", () => {
    // git diff --histogram of this change: "@@ -2,8 +1,0 @@" and "@@ -10,0 +3,11 @@" (old lines 2-9 removed,
    // the new lines after line 10); the Myers patch keeps *.orig, .idea, /.local/ and /site/ instead.
    const h = parsePatch(GITIGNORE).hunks[0]!;
    expect(h.changes.map((r) => [r.start, r.end])).toEqual([[2, 1], [3, 3], [5, 6], [8, 7], [9, 10]]);
    expect(h.alt!.map((r) => [r.start, r.end])).toEqual([[2, 9], [11, 10]]);
  });
});

describe("evaluate: Myers patches, git's histogram merge (urfave/cli 16c0635dd4 .gitignore)", () => {
  // Both PRs sort the same .gitignore; #1 also adds a line. Under Myers their regions are identical but for
  // one insertion that touches nothing of the other's; git's merge aligns #1's side with histogram and stops.
  const theirs = GITIGNORE.replace("@@ -1,10 +1,12 @@", "@@ -1,10 +1,11 @@").replace("\n+/cmd/urfave-cli-genflags/urfave-cli-genflags", "");
  const file = (patch: string): ChangedFile => ({ path: ".gitignore", status: "modified", hunks: parsePatch(patch).hunks });
  const fp = (patch: string): Footprint => ({ change: "#2", agent: "bob", stream: null, headSha: "b".repeat(40), draft: false, files: [footprintFile(file(patch))], recordedAt: iso(T0) });

  it("is a PARTITION (git conflicts), though the Myers regions alone say MERGE", () => {
    const c = evaluate({ id: "#1", agent: "alice", files: [file(GITIGNORE)] }, emptyLedgerFixture({ footprints: [fp(theirs)] }), seedConfig(), T0).conflicts;
    expect(c.map((x) => [x.file, x.strategy])).toEqual([[".gitignore", "PARTITION"]]);
    expect(c[0]!.details).toBe("#2 changes the same lines of .gitignore (lines 2-10, as git's merge aligns the two versions).");
    // Without the alternative alignment (a footprint written before it existed), the identical regions hide it.
    const { alt: _, ...old } = fp(theirs).files[0]!;
    const plain = evaluate({ id: "#1", agent: "alice", files: [{ ...file(GITIGNORE), hunks: parsePatch(GITIGNORE).hunks.map(({ alt: _a, ...h }) => h) }] }, emptyLedgerFixture({ footprints: [{ ...fp(theirs), files: [old] }] }), seedConfig(), T0).conflicts;
    expect(plain.map((x) => x.strategy)).toEqual(["MERGE"]);
  });

  it("the identical sort on both sides is still duplicate work, merged cleanly", () => {
    const c = evaluate({ id: "#1", agent: "alice", files: [file(theirs)] }, emptyLedgerFixture({ footprints: [fp(theirs)] }), seedConfig(), T0).conflicts;
    expect(c.map((x) => [x.strategy, x.details])).toEqual([["MERGE", "#2 already makes this exact change to before line 2, line 3, lines 5-6, lines 9-10 of .gitignore; any other lines are disjoint."]]);
  });
});

/** A modified file from a GitHub-style patch; #2's footprint of it; what #1 hears (strategy, details) against it. */
const changed = (path: string, patch: string): ChangedFile => ({ path, status: "modified", hunks: parsePatch(patch).hunks });
const footprintOf = (path: string, patch: string): Footprint => ({ change: "#2", agent: "bob", stream: null, headSha: "b".repeat(40), draft: false, files: [footprintFile(changed(path, patch))], recordedAt: iso(T0) });
const verdicts = (path: string, mine: string, theirs: string): string[][] =>
  evaluate({ id: "#1", agent: "alice", files: [changed(path, mine)] }, emptyLedgerFixture({ footprints: [footprintOf(path, theirs)] }), seedConfig(), T0).conflicts.map((c) => [c.strategy, c.details]);

describe("altRegions: regions of one side that touch are one change", () => {
  it("identical on both sides, no conflict (git merges identical text)", () => {
    // The histogram regions of this hunk, widened over the lines they could slide across, touch (lines 1-3 and 4).
    const patch = "@@ -1,7 +1,5 @@\n-c\n }\n-c\n }\n c\n }\n c";
    expect(parsePatch(patch).hunks[0]!.alt!.map((r) => [r.start, r.end])).toEqual([[1, 3], [4, 4]]);
    expect(footprintFile(changed("f.js", patch)).alt!.map((r) => [r.start, r.end])).toEqual([[1, 4]]);
    expect(verdicts("f.js", patch, patch).map(([s]) => s)).toEqual(["MERGE"]);
    // Another change there is not the same change.
    expect(verdicts("f.js", patch.replace("-c\n }\n c\n }", "-c\n+d\n }\n c\n }").replace("+1,5", "+1,6"), patch).map(([s]) => s)).toEqual(["PARTITION"]);
  });
});
