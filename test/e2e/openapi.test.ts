/** The request checker: GitHub's path templates and the JSON-schema subset its request bodies use. */
import { describe, expect, it } from "vitest";
import { modelledOperations } from "./local-github.js";
import { findOperation, operationIds, requestExamples, validate } from "./openapi.js";

describe("findOperation", () => {
  it("matches GitHub's templates, multi-segment refs and file paths included", () => {
    expect(findOperation("PATCH", "/repos/o/r/git/refs/pucs/ledger")).toMatchObject({ operationId: "git/update-ref", params: { owner: "o", repo: "r", ref: "pucs/ledger" } });
    expect(findOperation("GET", "/repos/o/r/git/ref/heads/feature/x")).toMatchObject({ operationId: "git/get-ref", params: { ref: "heads/feature/x" } });
    expect(findOperation("GET", "/repos/o/r/contents/config/pucs_streams.yaml")).toMatchObject({ operationId: "repos/get-content", params: { path: "config/pucs_streams.yaml" } });
    expect(findOperation("GET", "/repos/o/r/issues/comments/12")?.operationId).toBe("issues/get-comment");
    expect(findOperation("GET", "/repos/o/r/issues/12/comments")?.operationId).toBe("issues/list-comments");
    expect(findOperation("GET", "/repos/o/r/pulls/1/files")?.bodySchema).toBeNull();
  });

  it("finds nothing for an invented path or a method GitHub does not allow there", () => {
    expect(findOperation("GET", "/repos/o/r/made-up")).toBeNull();
    expect(findOperation("PUT", "/repos/o/r/git/refs/heads/main")).toBeNull();
    expect(findOperation("DELETE", "/repos/o/r/pulls/1/files")).toBeNull();
  });

  it("knows every operation the local GitHub models (no typo in a handler's operationId)", () => {
    const ids = operationIds();
    expect(ids.size).toBeGreaterThan(800);
    expect(modelledOperations().filter((id) => !ids.has(id))).toEqual([]);
    expect(modelledOperations()).toHaveLength(47);
  });
});

describe("validate", () => {
  const schema = {
    type: "object",
    properties: {
      name: { type: "string", maxLength: 5 },
      n: { type: "integer", minimum: 1 },
      tags: { type: "array", maxItems: 2, items: { type: "string", enum: ["a", "b"] } },
      note: { type: "string", nullable: true },
      pick: { oneOf: [{ type: "string" }, { type: "object", properties: { name: { type: "string" } }, required: ["name"] }] },
      strict: { type: "object", properties: { x: { type: "boolean" } }, additionalProperties: false },
      both: { allOf: [{ type: "object", required: ["a"] }, { type: "object", required: ["b"] }] },
    },
    required: ["name"],
  };

  it("accepts a body that fits, with nullable, oneOf branches and unknown keys where allowed", () => {
    expect(validate(schema, { name: "abc", n: 2, tags: ["a"], note: null, pick: "x", strict: { x: true }, both: { a: 1, b: 2 }, extra: 1 })).toEqual([]);
    expect(validate(schema, { name: "abc", pick: { name: "y" } })).toEqual([]);
  });

  it("names each violation the way GitHub's 422s do", () => {
    expect(validate(schema, { n: 1.5 })).toEqual([`For the request body, "name" wasn't supplied.`, `For 'properties/n', 1.5 is not an integer.`]);
    expect(validate(schema, { name: "toolong", n: 0 })).toEqual([`For 'properties/name', "toolong" is longer than 5 characters.`, `For 'properties/n', 0 is less than 1.`]);
    expect(validate(schema, { name: "a", tags: ["a", "c", "b"] })).toEqual([
      `For 'properties/tags', the array has 3 items, more than the maximum of 2.`,
      `For 'properties/tags/items/1', "c" is not a member of ["a","b"].`,
    ]);
    expect(validate(schema, { name: "a", strict: { y: 1 } })).toEqual([`For 'properties/strict', "y" is not a permitted key.`]);
    expect(validate(schema, { name: "a", note: 3 })).toEqual([`For 'properties/note', 3 is not a string.`]);
    expect(validate(schema, { name: "a", pick: 3 })).toEqual([`For 'properties/pick', no subschema in "oneOf" matched: For 'properties/pick', 3 is not a string. / For 'properties/pick', 3 is not an object.`]);
    expect(validate(schema, { name: "a", both: { a: 1 } })).toEqual([`For 'properties/both', "b" wasn't supplied.`]);
    expect(validate(schema, [])).toEqual([`For the request body, [] is not an object.`]);
  });

  it("accepts GitHub's own request examples for every operation the local GitHub models", () => {
    const modelled = new Set(modelledOperations());
    const checked = requestExamples().filter((e) => modelled.has(e.operationId));
    expect(checked.length).toBe(15);
    const rejected = checked.flatMap((e) => Object.entries(e.examples).flatMap(([name, v]) => validate(e.schema, v).map((err) => `${e.operationId} ${name}: ${err}`)));
    expect(rejected).toEqual([]);
  });
});
