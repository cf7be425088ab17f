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

describe("altRegions across hunks: a close run of hunks after one that changes the line count", () => {
  // Old file: lines l1..l40. #1 inserts two lines after l3, then changes l12 and l20: three hunks whose changes are
  // 8 and 7 unchanged lines apart (the patch hides l7-l8 and l16).
  const SHIFTED = [
    "@@ -1,6 +1,8 @@", " l1", " l2", " l3", "+n1", "+n2", " l4", " l5", " l6",
    "@@ -9,7 +11,7 @@", " l9", " l10", " l11", "-l12", "+L12", " l13", " l14", " l15",
    "@@ -17,7 +19,7 @@", " l17", " l18", " l19", "-l20", "+L20", " l21", " l22", " l23",
  ].join("\n");
  // The same, but the first hunk replaces l4 instead of inserting: no line moves.
  const UNSHIFTED = SHIFTED.replace("@@ -1,6 +1,8 @@\n l1\n l2\n l3\n+n1\n+n2\n l4\n l5\n l6", "@@ -1,7 +1,7 @@\n l1\n l2\n l3\n-l4\n+N4\n l5\n l6\n l7").replace("@@ -9,7 +11,7 @@", "@@ -9,7 +9,7 @@").replace("@@ -17,7 +19,7 @@", "@@ -17,7 +17,7 @@");
  const edit = (line: number, to = `X${line}`) => `@@ -${line - 3},7 +${line - 3},7 @@\n${[-3, -2, -1].map((d) => ` l${line + d}`).join("\n")}\n-l${line}\n+${to}\n${[1, 2, 3].map((d) => ` l${line + d}`).join("\n")}`;
  const file = (patch: string): ChangedFile => changed("f.js", patch);
  const verdict = (mine: string, theirs: string) => verdicts("f.js", mine, theirs);

  it("the hunks after the shift are one region, from their first change to the run's last", () => {
    const f = footprintFile(file(SHIFTED));
    expect(f.changes!.map((r) => [r.start, r.end])).toEqual([[4, 3], [12, 12], [20, 20]]);
    expect(f.alt!.map((r) => [r.start, r.end])).toEqual([[4, 3], [12, 20]]);
    expect(f.alt![1]!.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(footprintFile(file(UNSHIFTED)).alt).toBeUndefined();
    // A hunk further away (9 unchanged lines) ends the run: it keeps its own region.
    const far = `${SHIFTED}\n@@ -27,7 +29,7 @@\n l27\n l28\n l29\n-l30\n+L30\n l31\n l32\n l33`;
    expect(footprintFile(file(far)).alt!.map((r) => [r.start, r.end])).toEqual([[4, 3], [12, 20], [30, 30]]);
  });

  it("the other side editing inside that region is a PARTITION; outside it, or with no shift before, a MERGE", () => {
    expect(verdict(edit(16), SHIFTED)).toEqual([["PARTITION", "#2 changes the same lines of f.js (lines 12-20, as git's merge aligns the two versions)."]]);
    expect(verdict(SHIFTED, edit(16))).toEqual([["PARTITION", "#2 changes the same lines of f.js (lines 12-20, as git's merge aligns the two versions)."]]);
    expect(verdict(edit(26), SHIFTED).map(([s]) => s)).toEqual(["MERGE"]);
    expect(verdict(edit(16), UNSHIFTED).map(([s]) => s)).toEqual(["MERGE"]);
  });

  it("the same run on both sides is the same change (git merges identical text), whatever else either side changes", () => {
    expect(verdict(SHIFTED, SHIFTED)).toEqual([["MERGE", "#2 already makes this exact change to before line 4, line 12, line 20 of f.js; any other lines are disjoint."]]);
    const more = `${SHIFTED}\n@@ -27,7 +29,7 @@\n l27\n l28\n l29\n-l30\n+L30\n l31\n l32\n l33`;
    expect(verdict(more, SHIFTED).map(([s]) => s)).toEqual(["MERGE"]);
    // A different change inside the run is not the same run.
    expect(verdict(SHIFTED.replace("+L20", "+M20"), SHIFTED).map(([s]) => s)).toEqual(["PARTITION"]);
  });
});

describe("evaluate: a shift that git's merge pairs across hunks (express f6ec710534 test/res.send.js)", () => {
  // Cut down from the real merge: the base's lines 386-482, 40 unchanged lines and 7 of #1's 20 edits left out;
  // git merge-tree still conflicts on it (checked with git 2.39 when this was written). #1 reformats a run of
  // tests and adds 15 lines in its first hunk; #2 changes `res.send(200)` (old line 21), which #1's patch shows
  // 1 unchanged line from its own change of line 19. git's histogram alignment pairs #1's lines across the two
  // hunks and sees lines 17-21 and more rewritten.
  const MINE = [
    "@@ -1,12 +1,27 @@",
    "-        app.use(function(req, res){",
    "-          res.send('')",
    "+          app[method]('/', function (req, res) {",
    "+            res.send('kajdslfkasdf');",
    "+          });",
    "+",
    "+          request(app)",
    "+          [method]('/')",
    "+          .expect('ETag', 'W/\"c-5aee35d8\"')",
    "+          .expect(200, done);",
    "+        })",
    "+      });",
    "+",
    "+      it('should send ETag for empty string response', function (done) {",
    "+        var app = express();",
    "+",
    "+        app.use(function (req, res) {",
    "+          res.send('');",
    "         app.enable('etag')",
    "         .get('/')",
    "-        .expect('etag', 'W/\"0-0\"', done)",
    "+        .expect('ETag', 'W/\"0-0\"')",
    "+        .expect(200, done);",
    " ",
    "-      it('should send ETag for long response', function(done){",
    "+      it('should send ETag for long response', function (done) {",
    " ",
    "-        app.use(function(req, res){",
    "+        app.use(function (req, res) {",
    "           var str = Array(1000).join('-');",
    "           res.send(str);",
    " ",
    "@@ -14,44 +29,41 @@",
    " ",
    "         request(app)",
    "         .get('/')",
    "-        .expect('etag', 'W/\"3e7-8084ccd1\"', done)",
    "+        .expect('ETag', 'W/\"3e7-8084ccd1\"')",
    "+        .expect(200, done);",
    " ",
    "-      it('should not override ETag when manually set', function(done){",
    "+      it('should not override ETag when manually set', function (done) {",
    "           res.set('etag', '\"asdf\"');",
    "           res.send(200);",
    "         app.enable('etag');",
    "         .expect('etag', '\"asdf\"', done)",
    " ",
    "-      it('should not send ETag for res.send()', function(done){",
    "-        var app = express()",
    "+      it('should not send ETag for res.send()', function (done) {",
    "+        var app = express();",
    " ",
    "-        app.use(function(req, res){",
    "-          res.send()",
    "+        app.use(function (req, res) {",
    "+          res.send();",
    "         app.enable('etag')",
    "         .get('/')",
    "-        .end(function(err, res){",
    "-          res.headers.should.not.have.property('etag');",
    "-          done();",
    "-        })",
    "+        .expect(shouldNotHaveHeader('ETag'))",
    "+        .expect(200, done);",
    " ",
    "-    describe('when disabled', function(){",
    "-      it('should send no ETag', function(done){",
    "+    describe('when disabled', function () {",
    "+      it('should send no ETag', function (done) {",
    "           var str = Array(1000).join('-');",
    "           res.send(str);",
    "         app.disable('etag');",
    "         request(app)",
    "         .get('/')",
    "-        .end(function(err, res){",
    "-          res.headers.should.not.have.property('etag');",
    "-          done();",
    "-        });",
    "+        .expect(shouldNotHaveHeader('ETag'))",
    "+        .expect(200, done);",
    " ",
    "-      it('should send ETag when manually set', function(done){",
    "+      it('should send ETag when manually set', function (done) {",
    "         app.disable('etag');",
    "           res.set('etag', '\"asdf\"');",
    "           res.send(200);",
    "         .expect('etag', '\"asdf\"', done)",
    " ",
    "-    describe('when \"strong\"', function(){",
    "-      it('should send strong ETag', function(done){",
    "-        var app = express()",
    "+    describe('when \"strong\"', function () {",
    "+      it('should send strong ETag', function (done) {",
    "+        var app = express();",
  ].join("\n");
  const THEIRS = [
    "@@ -18,7 +18,7 @@",
    " ",
    "       it('should not override ETag when manually set', function(done){",
    "           res.set('etag', '\"asdf\"');",
    "-          res.send(200);",
    "+          res.send('hello!');",
    "         app.enable('etag');",
    "         .expect('etag', '\"asdf\"', done)",
    " ",
  ].join("\n");

  it("is a PARTITION: the region after #1's shift covers #2's line, which the patches show apart", () => {
    expect(changed("test/res.send.js", MINE).hunks!.flatMap((h) => h.changes).map((r) => [r.start, r.end]).slice(4, 6)).toEqual([[17, 17], [19, 19]]);
    expect(verdicts("test/res.send.js", MINE, THEIRS)).toEqual([["PARTITION", "#2 changes the same lines of test/res.send.js (lines 17-57, as git's merge aligns the two versions)."]]);
  });
});
