import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfigFile } from "../src/config-file.js";
import { formatIssue } from "../src/engine/config/index.js";

const VALID = "streams:\n  A: { name: A, files_pattern: a/** }\n";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pucs-config-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
}

describe("loadConfigFile", () => {
  it("reads config/pucs_streams.yaml first", async () => {
    write("config/pucs_streams.yaml", VALID);
    write(".github/pucs.yml", "streams: { B: { name: B, files_pattern: b/** } }\n");
    const r = await loadConfigFile(root);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.path).toBe("config/pucs_streams.yaml");
    expect(r.config.streams.map((s) => s.id)).toEqual(["A"]);
    expect(r.warnings).toEqual([]);
  });

  it("falls back to .github/pucs.yml", async () => {
    write(".github/pucs.yml", "streams: { B: { name: B, files_pattern: b/** } }\n");
    const r = await loadConfigFile(root);
    expect(r.ok && r.path).toBe(".github/pucs.yml");
    expect(r.ok && r.config.streams.map((s) => s.id)).toEqual(["B"]);
  });

  it("says which paths were tried and how to create one when none exists", async () => {
    const r = await loadConfigFile(root);
    expect(r).toEqual({
      ok: false,
      path: null,
      issues: [
        {
          file: "config/pucs_streams.yaml",
          line: 0,
          col: 0,
          severity: "error",
          message: `no PUCS config found: tried config/pucs_streams.yaml and .github/pucs.yml in ${root}; create one with \`pucs init --write-config\` (or pass --config <file>)`,
        },
      ],
    });
  });

  it("an override wins, relative to the current directory, and is shown relative to the repo", async () => {
    write("config/pucs_streams.yaml", VALID);
    write("other/streams.yaml", "streams: { C: { name: C, files_pattern: c/** } }\n");
    const r = await loadConfigFile(root, relative(process.cwd(), join(root, "other/streams.yaml")));
    expect(r.ok && r.path).toBe("other/streams.yaml");
    expect(r.ok && r.config.streams.map((s) => s.id)).toEqual(["C"]);
    const abs = await loadConfigFile(root, join(root, "other/streams.yaml"));
    expect(abs.ok && abs.path).toBe("other/streams.yaml");
  });

  it("an override outside the repository keeps its absolute path", async () => {
    const outside = mkdtempSync(join(tmpdir(), "pucs-outside-"));
    try {
      writeFileSync(join(outside, "c.yaml"), VALID);
      const r = await loadConfigFile(root, join(outside, "c.yaml"));
      expect(r.ok && r.path).toBe(join(outside, "c.yaml"));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("a missing override is an error naming it, not a fallback", async () => {
    write("config/pucs_streams.yaml", VALID);
    const r = await loadConfigFile(root, join(root, "nope.yaml"));
    expect(r).toEqual({
      ok: false,
      path: "nope.yaml",
      issues: [{ file: "nope.yaml", line: 0, col: 0, severity: "error", message: `config file not found (given with --config): ${join(root, "nope.yaml")}` }],
    });
    const dir = await loadConfigFile(root, join(root, "config"));
    expect(dir.ok ? [] : dir.issues.map(formatIssue)).toEqual([`config: error: not a file (given with --config): ${join(root, "config")}`]);
  });

  it("reports parse problems with the repo-relative path", async () => {
    write(".github/pucs.yml", "streams:\n  A: { name: A, files_pattern: a/**, max_agents: many }\n");
    const r = await loadConfigFile(root);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.path).toBe(".github/pucs.yml");
    expect(r.issues.map(formatIssue)).toEqual([
      '.github/pucs.yml:2:50: error: streams.A.max_agents: expected a positive integer, got "many"',
    ]);
  });
});
