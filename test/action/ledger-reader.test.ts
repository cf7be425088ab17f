import { describe, expect, it } from "vitest";
import { ledgerReader } from "../../src/action/ledger.js";
import type { GateGateway } from "../../src/github/gate.js";
import { LEDGER_COMMIT_FIELDS } from "../../src/github/ledger-store.js";
import { layoutFiles } from "../../src/ledger/layout.js";
import { canonicalLedger, serializeLedger } from "../../src/ledger/schema.js";
import { LedgerError } from "../../src/ledger/store.js";
import { fullLedger } from "../ledger/fixtures.js";

const HEAD = "c".repeat(40);

/** The gate's gateway over one ledger commit whose tree is `files` (what GitHub would answer). */
function gateway(files: Map<string, string> | null, cut: string[] = []) {
  const calls: string[] = [];
  const node = (path: string): unknown => {
    if (files!.has(path)) return { __typename: "Blob", oid: `oid:${path}`, text: cut.includes(path) ? null : files!.get(path), isTruncated: cut.includes(path), isBinary: false };
    const under = [...files!.keys()].filter((k) => k.startsWith(`${path}/`));
    if (under.length === 0) return null;
    const names = [...new Set(under.map((k) => k.slice(path.length + 1).split("/")[0]!))].sort();
    return { __typename: "Tree", entries: names.map((name) => ({ name, object: node(`${path}/${name}`) })) };
  };
  const gw = {
    async ledgerHead() {
      calls.push("ref");
      return files === null ? null : HEAD;
    },
    async fileText(path: string, ref: string) {
      calls.push(`contents ${path}@${ref.slice(0, 7)}`);
      return files?.get(path) ?? null;
    },
    async ledgerCommit(oid: string, fields: string) {
      calls.push(`graphql ${oid.slice(0, 7)}`);
      expect(fields).toBe(LEDGER_COMMIT_FIELDS);
      const out: Record<string, unknown> = { __typename: "Commit", oid, tree: { oid: "t" } };
      for (const m of fields.matchAll(/(\w+): file\(path: "([^"]+)"\)/g)) {
        const o = node(m[2]!);
        out[m[1]!] = o ? { object: o } : null;
      }
      return out;
    },
    async blobText(sha: string) {
      calls.push(`blob ${sha}`);
      return files!.get(sha.replace(/^oid:/, "")) ?? null;
    },
  };
  return { gw: gw as unknown as GateGateway, calls };
}

describe("the gate reads either ledger layout", () => {
  it("a v2 tree: the ref, then the tree in one GraphQL read (a blob GitHub cut short by REST)", async () => {
    const files = layoutFiles(fullLedger());
    const lockPath = [...files.keys()].find((p) => p.startsWith("locks/"))!;
    const { gw, calls } = gateway(files, [lockPath]);
    expect(await ledgerReader(gw)()).toEqual(canonicalLedger(fullLedger()));
    expect(calls).toEqual(["ref", `graphql ${HEAD.slice(0, 7)}`, `blob oid:${lockPath}`]);
  });

  it("a v1 ledger.json: 2 reads, the same GraphQL read", async () => {
    const { gw, calls } = gateway(new Map([["ledger.json", serializeLedger(fullLedger())]]));
    expect(await ledgerReader(gw)()).toEqual(canonicalLedger(fullLedger()));
    expect(calls).toEqual(["ref", `graphql ${HEAD.slice(0, 7)}`]);
  });

  it("no ledger: null; a foreign tree or a corrupt v2 entry fails the run with the file named", async () => {
    expect(await ledgerReader(gateway(null).gw)()).toBeNull();
    const foreign = await ledgerReader(gateway(new Map([["notes.txt", "x"]])).gw)().catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(LedgerError);
    expect((foreign as LedgerError).message).toMatch(/^refs\/pucs\/ledger at ccccccc: its commit has neither meta\.json nor ledger\.json, so it is not a PUCS ledger\. .*The gate did not use it and changed nothing\./);
    const files = layoutFiles(fullLedger());
    const fp = [...files.keys()].find((p) => p.startsWith("footprints/"))!;
    files.set(fp, "{");
    const corrupt = (await ledgerReader(gateway(files).gw)().catch((e: unknown) => e)) as LedgerError;
    expect([corrupt.code, corrupt.message.startsWith(`refs/pucs/ledger at ccccccc: ${fp} is not valid JSON`)]).toEqual(["corrupt", true]);
  });
});
