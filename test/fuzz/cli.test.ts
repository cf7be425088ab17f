/**
 * Fuzz: CLI arguments (issue 5 §3 "Bad input"). runCli on random argv (commands, unknown options,
 * missing values, weird paths, globs, huge durations, unicode agents) against one real git
 * repository and an in-memory ledger: the exit code is always 0, 1 or 2; a usage/config/ledger
 * error (2) is a message on stderr without a stack trace, and leaves the ledger text unchanged.
 *
 * 5,000 cases, not 10,000: most cases start git processes (repository root, diff, log), about 3 ms
 * each on the 2-core machine; 10,000 cases took 33 s (measured), 5,000 take about 17 s.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliContext } from "../../src/cli/run.js";
import { MemoryStore } from "../../src/ledger/memory-store.js";
import { makeRepo, type TestRepo } from "../cli/helpers.js";
import { expectCleanMessage, params, preview, Timer } from "./helpers.js";

const SEED = 0xc11_5eed;
const RUNS = 5_000;
const timer = new Timer();

let repo: TestRepo;
let store: MemoryStore;
const NOW = Date.parse("2026-11-23T20:00:00Z");

beforeAll(() => {
  repo = makeRepo();
  store = new MemoryStore();
});
afterAll(() => {
  console.log(timer.summary("cli runCli"));
  repo?.cleanup();
});

const COMMANDS = ["init", "status", "lock", "unlock", "intent", "queue", "release", "cleanup", "check", "log", "config", "worktree", "help", "version", "--help", "-h", "--version", "lok", "st", "", "LOCK", "😀", "--json", "-"];
const OPTIONS = [
  "--agent", "--stream", "--task", "--duration", "--files", "--description", "--force", "--change", "--json", "--config", "--help", "-h", "-n",
  "--base", "--record", "--format", "--session", "--write-config", "--bogus", "--", "-x", "--agent=", "--duration=", "--json=1", "--no-json", "-",
];
const VALUES = [
  "alice", "bob", "😀", "é-agent", "a\u0000b", " ", "", "EXEC", "exec", "OBS", "API", "NOPE", "task", "execution/fill_predictor.py", "observability/metrics.py",
  "api/routes.py", "execution", "execution/", "../x", "../../etc/passwd", "/etc/passwd", "/", ".", "./", "..", "**", "src/**", "**/**/**/**/**", "{a,b}".repeat(20),
  "+(a|+(b|c))", "[", "x\\y", "!x", "#x", "a//b", "execution/**/*.py", "f1,f2", ",", "{a,b}/x,c", "1e309", "99999999999h", "9007199254740993", "-5m", "0", "90s",
  "45m", "2h", "1h30m", "8h1s", "abc", "NaN", "-1", "markdown", "text", "html", "main", "HEAD", "nope-ref", "--json", "#12", "x".repeat(600), "add", "EXEC",
];
const valueArb = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }) });
const argArb = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...OPTIONS), valueArb).map(([o, v]) => [o, v]) },
  { weight: 2, arbitrary: fc.constantFrom(...OPTIONS).map((o) => [o]) },
  { weight: 2, arbitrary: valueArb.map((v) => [v]) },
);
/** Mostly well-aimed argv (a real command, its usual options, one odd value), sometimes noise. */
const wellFormedArb = fc
  .tuple(
    fc.constantFrom("lock", "unlock", "intent", "queue", "release", "status", "cleanup", "config", "log"),
    valueArb,
    fc.constantFrom("alice", "bob", "😀", "é"),
    fc.constantFrom("EXEC", "OBS", "exec", "NOPE"),
    fc.constantFrom("30", "90s", "2h", "9h", "1e309", "-5m", "abc"),
    fc.boolean(),
  )
  .map(([cmd, v, agent, stream, dur, json]) => {
    const common = json ? ["--json"] : [];
    switch (cmd) {
      case "lock":
        return [cmd, v, "--agent", agent, "--stream", stream, "--task", "t", "--duration", dur, ...common];
      case "unlock":
        return [cmd, v, "--agent", agent, ...common];
      case "queue":
        return [cmd, v, "--agent", agent, ...common];
      case "intent":
        return [cmd, "--agent", agent, "--stream", stream, "--files", v, "--description", "d", "--duration", dur, ...common];
      case "release":
        return [cmd, "--agent", agent, ...common];
      case "log":
        return [cmd, "-n", v, ...common];
      default:
        return [cmd, ...common];
    }
  });
const argvArb = fc.oneof(
  { weight: 3, arbitrary: wellFormedArb },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...COMMANDS), fc.array(argArb, { maxLength: 6 })).map(([c, a]) => [c, ...a.flat()]) },
  { weight: 1, arbitrary: fc.array(valueArb, { maxLength: 4 }) },
);

async function run(argv: string[]) {
  let out = "";
  let err = "";
  let n = 0;
  const ctx: CliContext = {
    cwd: repo.dir,
    env: { GIT_CONFIG_NOSYSTEM: "1", HOME: repo.base, GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@e.x", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@e.x" },
    now: () => NOW,
    newId: () => `id-${++n}`,
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    store: () => store,
  };
  const code = await runCli(argv, ctx);
  return { code, out, err };
}

describe("fuzz: runCli", () => {
  it(`exit code 0/1/2; on 2 a clean message and the ledger unchanged (${RUNS} cases)`, async () => {
    const codes = [0, 0, 0];
    await fc.assert(
      fc.asyncProperty(argvArb, async (argv) => {
        const before = store.text;
        const version = store.version;
        const r = await timer.timeAsync(argv, () => run(argv));
        expect([0, 1, 2], `exit code of ${preview(argv)}`).toContain(r.code);
        codes[r.code]!++;
        if (r.code === 2) {
          const helpOnly = argv.length === 0 || argv[0] === undefined;
          if (!helpOnly) {
            expectCleanMessage(r.err, `stderr of ${preview(argv)}`);
            expect(r.err, `an internal error reached the user for ${preview(argv)}`).not.toMatch(/unexpected error|This is a bug/);
          }
          expect(store.text, `ledger changed by a failed command ${preview(argv)}`).toBe(before);
          expect(store.version).toBe(version);
        }
        // A --json run of a command prints exactly one JSON object (help and version text aside).
        const helpish = (a: string) => ["help", "--help", "-h", "version", "--version", "--"].includes(a);
        if (argv.slice(1).includes("--json") && !argv.some(helpish) && r.out !== "") {
          expect(() => JSON.parse(r.out), `stdout of ${preview(argv)} is not JSON: ${preview(r.out)}`).not.toThrow();
        }
      }),
      params(SEED, RUNS),
    );
    console.log(`[fuzz] cli exit codes: 0 x${codes[0]}, 1 x${codes[1]}, 2 x${codes[2]}; ledger at version ${store.version}`);
    // The generator reaches every outcome, so each assertion above is exercised.
    expect(codes.every((c) => c > 0)).toBe(true);
  }, 600_000);
});
