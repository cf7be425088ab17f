import { Octokit } from "@octokit/core";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { nativeJson } from "../../src/github/native-json.js";

const API = "https://api.github.com";
const Client = Octokit.plugin(nativeJson);
const client = () => new Client({ auth: "t" });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("nativeJson", () => {
  it("parses a JSON answer (also GraphQL's), unicode and nesting intact, the request body sent as before", async () => {
    const big = { data: { repository: { ledger: { target: { oid: "a".repeat(40), file: { object: { text: '{"kind":"pucs-ledger","x":"ü ✓ \\n"}' } } } } } } };
    let sent: unknown;
    nock(API)
      .post("/graphql", (b) => ((sent = b), true))
      .reply(200, big);
    const r = await client().request("POST /graphql", { query: "query { x }", variables: { n: 1 } });
    expect(r.data).toEqual(big);
    expect(sent).toEqual({ query: "query { x }", variables: { n: 1 } });
  });

  it("is in effect: an integer past 2^53 is a plain number (Octokit's own parser would make it a BigInt)", async () => {
    nock(API).get("/n").reply(200, '{"id": 9007199254740993}', { "content-type": "application/json; charset=utf-8" });
    nock(API).get("/n").reply(200, '{"id": 9007199254740993}', { "content-type": "application/json; charset=utf-8" });
    expect(typeof ((await client().request("GET /n")).data as { id: unknown }).id).toBe("number");
    expect(typeof ((await new Octokit({ auth: "t" }).request("GET /n")).data as { id: unknown }).id).toBe("bigint");
  });

  it("decodes other answers as @octokit/request does: text, binary, invalid JSON as text, 204 empty", async () => {
    nock(API)
      .get("/a")
      .reply(200, "plain words", { "content-type": "text/plain; charset=utf-8" })
      .get("/b")
      .reply(200, Buffer.from([0, 1, 2]), { "content-type": "application/octet-stream" })
      .get("/c")
      .reply(200, "{not json", { "content-type": "application/json; charset=utf-8" })
      .get("/d")
      .reply(204)
      .get("/e")
      .reply(200, "diff --git a/x b/x\n", { "content-type": "application/vnd.github.diff; charset=utf-8" });
    const c = client();
    expect((await c.request("GET /a")).data).toBe("plain words");
    const bin = (await c.request("GET /b")).data as ArrayBuffer;
    expect(bin).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bin)]).toEqual([0, 1, 2]);
    expect((await c.request("GET /c")).data).toBe("{not json");
    expect((await c.request("GET /d")).status).toBe(204);
    expect((await c.request("GET /e")).data).toBe("diff --git a/x b/x\n");
  });

  it("errors stay Octokit's RequestErrors with GitHub's message", async () => {
    nock(API).post("/repos/o/r/git/refs").reply(422, { message: "Reference already exists", documentation_url: "https://docs.github.com/rest" });
    await expect(client().request("POST /repos/{owner}/{repo}/git/refs", { owner: "o", repo: "r", ref: "refs/pucs/ledger", sha: "a".repeat(40) })).rejects.toMatchObject({
      status: 422,
      message: "Reference already exists - https://docs.github.com/rest",
      response: { data: { message: "Reference already exists" } },
    });
  });

  it("a caller that asks for the raw body gets the stream untouched", async () => {
    nock(API).get("/raw").reply(200, { a: 1 });
    const r = await client().request("GET /raw", { request: { parseSuccessResponseBody: false } });
    expect(typeof (r.data as unknown as ReadableStream).getReader).toBe("function");
    expect(await new Response(r.data as unknown as ReadableStream).json()).toEqual({ a: 1 });
  });
});
