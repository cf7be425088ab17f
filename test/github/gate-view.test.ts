/**
 * The merge gate's read of a ledger commit (`gateViewOfCommitNode`): the small collections and the
 * gate entries, from what GitHub's GraphQL answers to GATE_COMMIT_FIELDS. Which ledgers it trusts
 * (a complete v2 tree), which it does not (v1, a tree from before gate entries), and bad entries
 * refused with the file named.
 */
import { describe, expect, it } from "vitest";
import { GATE_COMMIT_FIELDS, gateViewOfCommitNode, type CommitNode } from "../../src/github/ledger-store.js";
import { SUMMARY_MARK, gateEntryPath, layoutFiles } from "../../src/ledger/layout.js";
import { canonicalLedger, serializeLedger } from "../../src/ledger/schema.js";
import { LedgerError } from "../../src/ledger/store.js";
import { fullLedger } from "../ledger/fixtures.js";

/** What GitHub answers to GATE_COMMIT_FIELDS for a commit whose tree is `files`. */
function commitOf(files: ReadonlyMap<string, string>): CommitNode {
  const node = (path: string): unknown => {
    if (files.has(path)) return { __typename: "Blob", oid: `oid:${path}`, text: files.get(path), isTruncated: false, isBinary: false };
    const under = [...files.keys()].filter((k) => k.startsWith(`${path}/`));
    if (under.length === 0) return null;
    const names = [...new Set(under.map((k) => k.slice(path.length + 1).split("/")[0]!))].sort();
    return { __typename: "Tree", entries: names.map((name) => ({ name, object: node(`${path}/${name}`) })) };
  };
  const out: CommitNode = { __typename: "Commit", oid: "c".repeat(40), tree: { oid: "t" } };
  for (const m of GATE_COMMIT_FIELDS.matchAll(/(\w+): file\(path: "([^"]+)"\)/g)) {
    const o = node(m[2]!);
    out[m[1]!] = o ? { object: o } : null;
  }
  return out;
}

const read = (files: ReadonlyMap<string, string>) => gateViewOfCommitNode(commitOf(files), "refs/pucs/ledger at ccccccc", "HINT", () => Promise.resolve(null));

describe("the gate's read of the ledger", () => {
  it("a complete v2 tree: its claims (no footprint read) and every open change once, with its streams", async () => {
    const l = fullLedger();
    const withStreams = { ...l, footprints: l.footprints.map((f, i) => (i === 0 ? { ...f, streams: ["EXEC", "RISK"] } : f)) };
    const v = await read(layoutFiles(withStreams));
    expect(v.layout).toBe(2);
    expect(v.ledger.footprints).toEqual([]);
    expect(v.ledger.locks).toEqual(canonicalLedger(l).locks);
    expect(v.ledger.overrides).toEqual(canonicalLedger(l).overrides);
    // #1 is under EXEC and RISK but listed once; #2 was recorded without gate streams (gates/-).
    expect(v.members).toEqual(expect.arrayContaining([{ change: "#1", draft: false, streams: ["EXEC", "RISK"] }, { change: "#2", draft: true, streams: null }]));
    expect(v.members).toHaveLength(2);
  });

  it("not trusted: a v1 ledger (read whole) and a tree written before gate entries (no marker)", async () => {
    const v1 = await read(new Map([["ledger.json", serializeLedger(fullLedger())]]));
    expect([v1.layout, v1.members, v1.ledger]).toEqual([1, null, canonicalLedger(fullLedger())]);
    const files = new Map(layoutFiles(fullLedger()));
    files.delete(SUMMARY_MARK);
    const old = await read(files);
    expect([old.layout, old.members]).toEqual([2, null]);
  });

  it("a gate entry that does not validate, or a file where none belongs, is refused with its path", async () => {
    const files = new Map(layoutFiles(fullLedger()));
    const path = gateEntryPath(null, "#1");
    files.set(path, '{"change":"#1","draft":"no","streams":null}\n');
    const bad = (await read(files).catch((e: unknown) => e)) as LedgerError;
    expect(bad).toBeInstanceOf(LedgerError);
    expect([bad.code, bad.message]).toEqual(["corrupt", `refs/pucs/ledger at ccccccc: ${path} does not match the ledger schema (draft: Invalid input: expected boolean, received string). HINT`]);
    const stray = new Map(layoutFiles(fullLedger()));
    stray.set("gates/=EXEC/notes.txt", "hello\n");
    const e = (await read(stray).catch((x: unknown) => x)) as LedgerError;
    expect([e.code, e.message]).toEqual(["corrupt", "refs/pucs/ledger at ccccccc: gates/=EXEC/notes.txt is not where a PUCS ledger keeps anything. HINT"]);
  });
});
