/**
 * Slash-commands (issue 5 §3): 10,000 seeded comment bodies through parseCommands — no throw, no hang,
 * every command well-formed, every error naming its line with a clean message; plus the permission
 * matrix: every command × every permission level gives the documented answer.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMANDS, MAX_COMMANDS_PER_COMMENT, parseCommands, permissionAllows, type Role } from "../../src/engine/commands.js";
import { validateGlob } from "../../src/engine/globs.js";
import { CASE_LIMIT_MS, SPICY, Timer, expectCleanMessage, params, preview } from "./helpers.js";

const SEED = 0xc0ffee01;

const words = ["help", "status", "intent", "lock", "unlock", "release", "extend", "queue", "sync", "gate", "override", "lokc", "HELP", ""];
const args = ["a.py", "src/**", "'x y'", '"q', "{a,b}.ts", "../x", "/etc/passwd", "--duration", "45", "2h", "soon", "--force", "--", "--duration=", "a,b", ...SPICY.map(String)];
const lineArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom("/pucs", "/PUCS", "  /pucs", "/pucsx", "> /pucs", "`/pucs"), fc.constantFrom(...words), fc.array(fc.constantFrom(...args), { maxLength: 6 }), fc.string({ maxLength: 30 })).map(([p, w, a, tail]) => `${p} ${w} ${a.join(" ")} ${tail}`) },
  { weight: 1, arbitrary: fc.constantFrom("```", "~~~", "```sh", "") },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
);
const bodyArb = fc.array(lineArb, { maxLength: 25 }).map((ls) => ls.join(fc.sample(fc.constantFrom("\n", "\r\n"), 1)[0]));

describe("fuzz: slash-commands", () => {
  it("parseCommands never throws or hangs; commands are well-formed; errors name their line (10,000 cases)", () => {
    const timer = new Timer();
    fc.assert(
      fc.property(bodyArb, (body) => {
        const r = timer.time(body, () => parseCommands(body));
        const lines = body.split(/\r?\n/).length;
        expect(r.commands.length).toBeLessThanOrEqual(MAX_COMMANDS_PER_COMMENT);
        for (const c of r.commands) {
          expect(c.line).toBeGreaterThanOrEqual(1);
          expect(c.line).toBeLessThanOrEqual(lines);
          expect(COMMANDS.some((s) => s.name === c.name)).toBe(true);
          if ("paths" in c) for (const p of c.paths) expect(validateGlob(p), p).toBeNull();
          if (c.name === "queue") expect(validateGlob(c.path)).toBeNull();
          if ("durationMs" in c && c.durationMs !== null) expect(c.durationMs).toBeGreaterThan(0);
        }
        for (const e of r.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(lines);
          expectCleanMessage(e.message, `error for ${preview(e.raw)}`);
        }
      }),
      params(SEED),
    );
    console.log(`[fuzz] slash-commands: ${timer.cases} cases, max ${timer.max.toFixed(1)} ms per case`);
    expect(timer.max).toBeLessThan(CASE_LIMIT_MS);
  });

  it("answers every command × every permission level as documented", () => {
    const roles: Role[] = ["none", "read", "triage", "write", "maintain", "admin"];
    const table: string[] = [];
    for (const c of COMMANDS) {
      for (const role of roles) {
        for (const isAuthor of [false, true]) {
          for (const isBot of [false, true]) {
            const allowed = permissionAllows(c.permission, { role, isAuthor, isBot });
            const writer = role === "write" || role === "maintain" || role === "admin";
            // A bot is judged like a person (its role comes from agents.bots; the PR's bot author is its author).
            // "coordinator" (/pucs decide) passes this first check for everyone: the handler then asks the
            // config's coordinators and their teams (test/app/rollback-arbitrate.test.ts: refusals).
            const expected = c.permission === "anyone" || c.permission === "coordinator"
                ? true
                : c.permission === "maintain"
                  ? role === "maintain" || role === "admin"
                  : isAuthor || writer;
            expect(allowed, `${c.name} by ${role}${isAuthor ? " author" : ""}${isBot ? " bot" : ""}`).toBe(expected);
            if (!isBot && !isAuthor) table.push(`${c.name}:${role}:${allowed ? "yes" : "no"}`);
          }
        }
      }
    }
    // The documented answers, spelled out for the non-author, non-bot cases.
    expect(table.filter((t) => t.startsWith("lock:"))).toEqual(["lock:none:no", "lock:read:no", "lock:triage:no", "lock:write:yes", "lock:maintain:yes", "lock:admin:yes"]);
    expect(table.filter((t) => t.startsWith("gate-override:"))).toEqual([
      "gate-override:none:no",
      "gate-override:read:no",
      "gate-override:triage:no",
      "gate-override:write:no",
      "gate-override:maintain:yes",
      "gate-override:admin:yes",
    ]);
    expect(table.filter((t) => t.startsWith("help:")).every((t) => t.endsWith(":yes"))).toBe(true);
  });
});
