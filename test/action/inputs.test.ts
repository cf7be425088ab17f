import { describe, expect, test } from "vitest";
import { parseEnv, parseInputs } from "../../src/action/inputs.js";

const get = (vals: Record<string, string>) => (name: string) => vals[name] ?? "";

describe("parseInputs", () => {
  test("defaults", () => {
    expect(parseInputs(get({ token: "t" }))).toEqual({ token: "t", config: null, mode: "gate", commitProtocol: "off" });
    expect(parseInputs(get({ token: "t", mode: "app", "commit-protocol": "enforce", config: ".github/pucs.yml" }))).toEqual({
      token: "t",
      config: ".github/pucs.yml",
      mode: "app",
      commitProtocol: "enforce",
    });
  });
  test("every problem at once", () => {
    expect(() => parseInputs(get({ mode: "x", "commit-protocol": "y", config: "../etc/passwd" }))).toThrow(
      'The PUCS merge gate\'s inputs are wrong:\n- input `mode` is "x"; use one of gate, check, app\n- input `commit-protocol` is "y"; use one of off, warn, enforce\n- input `token` is empty; pass `token: ${{ github.token }}` (the default) or a token with contents: read, pull-requests: read and statuses: write\n- input `config` is "../etc/passwd"; give a path inside the repository, relative to its root (e.g. config/pucs_streams.yaml)',
    );
  });
});

describe("parseEnv", () => {
  const base = { GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: "/e.json", GITHUB_REPOSITORY: "o/r" };
  test("run link, API URL, clock override", () => {
    expect(parseEnv({ ...base, GITHUB_RUN_ID: "9", GITHUB_SERVER_URL: "https://ghe.example/", GITHUB_API_URL: "https://ghe.example/api/v3/", PUCS_NOW: "2026-11-23T20:00:00Z" })).toEqual({
      eventName: "push",
      eventPath: "/e.json",
      owner: "o",
      repo: "r",
      apiUrl: "https://ghe.example/api/v3",
      runUrl: "https://ghe.example/o/r/actions/runs/9",
      now: Date.parse("2026-11-23T20:00:00Z"),
    });
    expect(parseEnv(base)).toMatchObject({ apiUrl: "https://api.github.com", runUrl: null, now: null });
  });
  test("missing or malformed variables", () => {
    expect(() => parseEnv({})).toThrow(
      "GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_REPOSITORY are not set: the merge gate runs inside a GitHub Actions job (locally: `npm run local-action` with an .env file that sets them).",
    );
    expect(() => parseEnv({ ...base, GITHUB_REPOSITORY: "nope" })).toThrow('GITHUB_REPOSITORY is "nope"; expected owner/name.');
    expect(() => parseEnv({ ...base, PUCS_NOW: "soon" })).toThrow('PUCS_NOW is "soon"; give epoch milliseconds or an ISO-8601 time.');
  });
});
