import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMANDS, MAX_COMMANDS_PER_COMMENT, commandsTableMarkdown, helpMarkdown, parseCommands, permissionAllows, refusal, specOf } from "../../src/engine/commands.js";
import { withCommandTable } from "../../scripts/sync-readme.js";

describe("parseCommands", () => {
  it("reads every command line in order, with paths, durations and free text", () => {
    const body = [
      "Thanks! Let me take these.",
      "/pucs intent execution/fill_predictor.py, execution/fill_ml_model.py --duration 45 -- ML model",
      "  /pucs lock 'models/risk*.py' --duration=2h -- rework limits",
      "/pucs unlock",
      "/pucs unlock ./execution/a.py execution/b.py",
      "/PUCS Extend 1h",
      "/pucs extend",
      "/pucs queue execution/smart_execution.py",
      "/pucs gate override -- hotfix -- phase 1 rebases",
      "/pucs status",
    ].join("\n");
    const r = parseCommands(body);
    expect(r.errors).toEqual([]);
    expect(r.commands).toEqual([
      { name: "intent", paths: ["execution/fill_predictor.py", "execution/fill_ml_model.py"], durationMs: 45 * 60_000, text: "ML model", line: 2, raw: "/pucs intent execution/fill_predictor.py, execution/fill_ml_model.py --duration 45 -- ML model" },
      { name: "lock", paths: ["models/risk*.py"], durationMs: 2 * 3_600_000, text: "rework limits", line: 3, raw: "/pucs lock 'models/risk*.py' --duration=2h -- rework limits" },
      { name: "unlock", paths: [], line: 4, raw: "/pucs unlock" },
      { name: "unlock", paths: ["execution/a.py", "execution/b.py"], line: 5, raw: "/pucs unlock ./execution/a.py execution/b.py" },
      { name: "extend", durationMs: 3_600_000, line: 6, raw: "/PUCS Extend 1h" },
      { name: "extend", durationMs: null, line: 7, raw: "/pucs extend" },
      { name: "queue", path: "execution/smart_execution.py", line: 8, raw: "/pucs queue execution/smart_execution.py" },
      { name: "gate-override", reason: "hotfix -- phase 1 rebases", line: 9, raw: "/pucs gate override -- hotfix -- phase 1 rebases" },
      { name: "status", line: 10, raw: "/pucs status" },
    ]);
  });

  it("keeps commas inside braces and quoted paths with spaces", () => {
    expect(parseCommands('/pucs intent src/{a,b}.ts "docs/my file.md"').commands[0]).toMatchObject({ paths: ["src/{a,b}.ts", "docs/my file.md"] });
  });

  it("ignores commands in code blocks, quotes and mid-line mentions", () => {
    const body = ["> /pucs lock a.py", "```", "/pucs lock b.py", "```", "~~~sh", "/pucs release", "~~~", "run `/pucs help` to see", "text /pucs lock c.py", "/pucsx lock d.py"].join("\n");
    expect(parseCommands(body)).toEqual({ commands: [], errors: [] });
  });

  it("treats a bare /pucs as help", () => {
    expect(parseCommands("/pucs").commands).toEqual([{ name: "help", line: 1, raw: "/pucs" }]);
  });

  it("explains every malformed command with its line, what is wrong and the usage", () => {
    const body = [
      "/pucs lokc a.py",
      "/pucs lock",
      "/pucs lock a.py --duration soon",
      "/pucs lock ../etc/passwd",
      "/pucs queue a.py b.py",
      "/pucs gate override",
      "/pucs gate open -- x",
      "/pucs release now",
      "/pucs lock a.py --force",
      "/pucs intent \"unclosed",
      "/pucs frobnicate",
    ].join("\n");
    const r = parseCommands(body);
    expect(r.commands).toEqual([]);
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([
      [1, "unknown command `lokc`. Did you mean `/pucs lock`? `/pucs help` lists the commands."],
      [2, "name the files or globs to lock. Usage: `/pucs lock <paths|globs> [--duration D] [-- task]`"],
      [3, expect.stringMatching(/^invalid duration "soon": .*\. Usage: `\/pucs lock <paths\|globs> \[--duration D\] \[-- task\]`$/)],
      [4, expect.stringMatching(/^"\.\.\/etc\/passwd": "\.\." segments are not allowed.*Usage: `\/pucs lock/)],
      [5, "queue takes exactly one path. Usage: `/pucs queue <path>`"],
      [6, "say why after --: the reason is recorded with your name. Usage: `/pucs gate override -- reason`"],
      [7, "the only gate command is `gate override`. Usage: `/pucs gate override -- reason`"],
      [8, 'unexpected argument "now". Usage: `/pucs release`'],
      [9, "unknown option --force. Usage: `/pucs lock <paths|globs> [--duration D] [-- task]`"],
      [10, 'unclosed " quote. Usage: `/pucs intent <paths|globs> [--duration D] [--force] [-- description]`'],
      [11, "unknown command `frobnicate`. `/pucs help` lists the commands."],
    ]);
  });

  it(`refuses more than ${MAX_COMMANDS_PER_COMMENT} commands in one comment`, () => {
    const r = parseCommands(Array.from({ length: 12 }, () => "/pucs status").join("\n"));
    expect(r.commands).toHaveLength(MAX_COMMANDS_PER_COMMENT);
    expect(r.errors).toEqual([{ line: 11, raw: "/pucs status", message: "more than 10 commands in one comment: split them over several comments" }]);
  });
});

describe("permissions", () => {
  const who = (role: "admin" | "maintain" | "write" | "triage" | "read" | "none", isAuthor = false, isBot = false) => ({ role, isAuthor, isBot });
  it("lets the author or writers claim, maintainers override; a bot is judged like a person", () => {
    expect(permissionAllows("author-or-write", who("read", true))).toBe(true);
    expect(permissionAllows("author-or-write", who("read"))).toBe(false);
    expect(permissionAllows("author-or-write", who("triage"))).toBe(false);
    expect(permissionAllows("author-or-write", who("write"))).toBe(true);
    expect(permissionAllows("maintain", who("write", true))).toBe(false);
    expect(permissionAllows("maintain", who("maintain"))).toBe(true);
    expect(permissionAllows("maintain", who("admin"))).toBe(true);
    expect(permissionAllows("anyone", who("none"))).toBe(true);
    expect(permissionAllows("anyone", who("none", false, true))).toBe(true);
    expect(permissionAllows("author-or-write", who("none", true, true))).toBe(true);
    expect(permissionAllows("author-or-write", who("none", false, true))).toBe(false);
    expect(permissionAllows("maintain", who("maintain", false, true))).toBe(true);
  });
  it("says why and what to do", () => {
    expect(refusal(specOf("lock"), { login: "reader", role: "read", isBot: false })).toBe(
      "`/pucs lock <paths|globs> [--duration D] [-- task]` is for the PR's author, or anyone with write access; @reader has read access to this repository. Ask a maintainer to run it, or to grant you write access.",
    );
    expect(refusal(specOf("gate-override"), { login: "dev", role: "write", isBot: false })).toContain("is for maintainers and admins; @dev has write access");
    expect(refusal(specOf("lock"), { login: "ci[bot]", role: "none", isBot: true })).toBe(
      '`/pucs lock <paths|globs> [--duration D] [-- task]` is for the PR\'s author, or anyone with write access; @ci[bot] is a bot that did not open this PR and is not listed in the config\'s `agents.bots`. To let it act, add `agents: { bots: { "ci[bot]": write } }` to the PUCS config on the default branch.',
    );
    expect(refusal(specOf("gate-override"), { login: "ci[bot]", role: "write", isBot: true })).toBe(
      "`/pucs gate override -- reason` is for maintainers and admins; the config's `agents.bots` gives @ci[bot] write access. Raise it to maintain there to let it run this.",
    );
  });
});

describe("the registry is the documentation", () => {
  it("documents every command with usage, description, who and examples that parse", () => {
    for (const c of COMMANDS) {
      expect(c.usage.startsWith("/pucs ")).toBe(true);
      expect(c.description.length).toBeGreaterThan(10);
      expect(c.examples.length).toBeGreaterThan(0);
      for (const e of c.examples) {
        const r = parseCommands(e);
        expect(r.errors, e).toEqual([]);
        expect(r.commands.map((x) => x.name)).toEqual([c.name]);
      }
    }
    expect(helpMarkdown()).toContain(commandsTableMarkdown());
  });

  it("keeps the README's command table equal to the registry (npm run sync-readme rewrites it)", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(withCommandTable(readme)).toBe(readme);
  });
});

describe("/pucs intent --force", () => {
  it("is read for intent only", () => {
    expect(parseCommands("/pucs intent execution/a.py --force -- agreed with #12").commands).toEqual([
      { name: "intent", paths: ["execution/a.py"], durationMs: null, text: "agreed with #12", line: 1, raw: "/pucs intent execution/a.py --force -- agreed with #12", force: true },
    ]);
    expect(parseCommands("/pucs lock execution/a.py --force").errors.map((e) => e.message)).toEqual(["unknown option --force. Usage: `/pucs lock <paths|globs> [--duration D] [-- task]`"]);
  });
});
