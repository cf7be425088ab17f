/**
 * Releases a workflow can pin: package.json's version, the newest CHANGELOG.md section and
 * `pucs --version` agree (the release workflow tags vX.Y.Z from package.json and publishes that
 * section), and the workflow does what .github/workflows/release.yml promises.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { changelogEntries } from "../scripts/release-notes.mjs";
import { pucs, ROOT } from "./cli/helpers.js";

type Entry = { version: string; date: string | null; notes: string };
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; bin: { pucs: string } };
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { version: string; packages: Record<string, { version?: string }> };
const changelog = readFileSync(join(ROOT, "CHANGELOG.md"), "utf8");
const entries = changelogEntries(changelog) as Entry[];

describe("versions agree", () => {
  it("package.json's version is X.Y.Z, as package-lock.json has it", () => {
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lock.version).toBe(pkg.version);
    expect(lock.packages[""]?.version).toBe(pkg.version);
  });

  it("the newest CHANGELOG.md section is that version, dated, with notes", () => {
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]!.version).toBe(pkg.version);
    expect(entries[0]!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(entries[0]!.notes).not.toBe("");
    // Newest first, each version once.
    expect(new Set(entries.map((e) => e.version)).size).toBe(entries.length);
  });

  it("pucs --version prints it (the source, and the committed bundle through the bin package.json names and the ES module one)", async () => {
    const r = await pucs(ROOT, ["--version"]);
    expect(r.out).toBe(`${pkg.version}\n`);
    expect(pkg.bin.pucs).toBe("bin/pucs.cjs");
    for (const bin of ["pucs.cjs", "pucs.js"]) expect(execFileSync(process.execPath, [join(ROOT, "bin", bin), "--version"], { encoding: "utf8" }), bin).toBe(`${pkg.version}\n`);
  });
});

describe("scripts/release-notes.mjs", () => {
  const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, [join(dir, "scripts", "release-notes.mjs"), ...args], { encoding: "utf8" });

  it("prints the version's section without its heading, and nothing of the next one", () => {
    const r = run(ROOT);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${entries[0]!.notes}\n`);
    expect(r.stdout).toContain("### Added");
    expect(r.stdout).not.toMatch(/^## \[/m);
  });

  it("refuses a version with no dated section, naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "pucs-release-"));
    try {
      mkdirSync(join(dir, "scripts"));
      copyFileSync(join(ROOT, "scripts", "release-notes.mjs"), join(dir, "scripts", "release-notes.mjs"));
      writeFileSync(join(dir, "package.json"), JSON.stringify({ version: "2.1.0" }));
      writeFileSync(join(dir, "CHANGELOG.md"), "# Changelog\n\n## [Unreleased]\n\n- wip\n\n## [2.0.0] - 2026-01-02\n\n### Fixed\n\n- a\n\n[2.0.0]: https://example.com/v2.0.0\n");
      const missing = run(dir);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toBe('release-notes: CHANGELOG.md has no dated, non-empty section "## [2.1.0] - YYYY-MM-DD". Add one before releasing 2.1.0.\n');
      expect(run(dir, "Unreleased").status).toBe(1); // undated
      const two = run(dir, "2.0.0");
      expect(two.status).toBe(0);
      expect(two.stdout).toBe("### Fixed\n\n- a\n"); // the link reference is not a note
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe(".github/workflows/release.yml", () => {
  const wf = load(readFileSync(join(ROOT, ".github", "workflows", "release.yml"), "utf8")) as Record<string, any>;
  const steps = wf.jobs.release.steps as { run?: string; uses?: string; env?: Record<string, string>; if?: string }[];
  const script = steps.map((s) => s.run ?? "").join("\n");

  it("runs on pushes to main with write access only where it tags", () => {
    expect(wf.on.push.branches).toEqual(["main"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.jobs.release.permissions).toEqual({ contents: "write" });
  });

  it("checks dist/ and the versions before tagging, tags vX.Y.Z from package.json, moves the major tag, publishes the CHANGELOG section", () => {
    const at = (needle: string) => steps.findIndex((s) => (s.run ?? "").includes(needle));
    expect(at("npm run check-dist")).toBeGreaterThan(-1);
    expect(at("vitest run test/release.test.ts")).toBeGreaterThan(-1);
    expect(at('git tag -a "$TAG"')).toBeGreaterThan(Math.max(at("npm run check-dist"), at("vitest run test/release.test.ts"), at("release-notes.mjs")));
    expect(script).toContain('require("./package.json").version');
    expect(script).toContain('echo "major=v${version%%.*}"');
    expect(script).toContain('git push --force origin "refs/tags/$MAJOR"');
    expect(script).toContain('git push origin "refs/tags/$TAG"'); // the full tag is never forced
    expect(script).toContain('--notes-file "$RUNNER_TEMP/notes.md"');
    // No ${{ }} expression spliced into a shell script: values come in through env.
    expect(script).not.toContain("${{");
  });
});
