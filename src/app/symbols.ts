/**
 * Enclosing symbols for the App's PARTITION advice: the base-side text of the files a report
 * partitions, read in ONE GraphQL request (aliases `f0`, `f1`, ... of `object(expression:
 * "<base>:<path>") { ... on Blob { text } }`), parsed with tree-sitter (src/symbols/loader.ts) into
 * definitions for `evaluate`'s `symbols` option (src/engine/symbols.ts).
 *
 * Costs nothing when no file is partitioned (a clear push, disjoint or identical changes): no request,
 * no grammar loaded. A file in a language without a grammar is not read. Reading is best effort: a
 * failed request or a file GitHub does not return as text leaves the advice as it was (hunk-header
 * sections), and is logged.
 */
import type { Evaluation } from "../engine/types.js";
import { definitionsOf, partitionedFiles, type Definition } from "../engine/symbols.js";
import { loadLanguages, parseLoaded } from "../symbols/loader.js";
import type { Ctx } from "./core.js";

/** Larger base files are not parsed. */
export const MAX_SYMBOL_BYTES = 1 << 20;

export const BASE_FILES_QUERY = (n: number): string =>
  `query PucsBaseFiles($owner: String!, $name: String!${Array.from({ length: n }, (_, k) => `, $f${k}: String!`).join("")}) { repository(owner: $owner, name: $name) { ${Array.from({ length: n }, (_, k) => `f${k}: object(expression: $f${k}) { ... on Blob { text } }`).join(" ")} } }`;

/**
 * Definitions of the base-side files `ev` partitions, by path; null when there is none to read or
 * nothing could be read. `base` is the revision the PR's line numbers refer to (its base branch).
 */
export async function baseSymbols(ctx: Ctx, base: string, ev: Evaluation): Promise<Map<string, Definition[]> | null> {
  const files = partitionedFiles(ev);
  if (files.length === 0) return null;
  const variables: Record<string, string> = { owner: ctx.gw.rc.repo.owner, name: ctx.gw.rc.repo.repo };
  files.forEach((f, k) => (variables[`f${k}`] = `${base}:${f.path}`));
  let repo: Record<string, { text?: string | null } | null> | null;
  try {
    const [data] = await Promise.all([
      ctx.gw.rc.graphql<{ repository: Record<string, { text?: string | null } | null> | null }>(
        `read ${files.length} base file(s) for the enclosing functions`,
        "contents: read",
        BASE_FILES_QUERY(files.length),
        variables,
      ),
      loadLanguages(new Set(files.map((f) => f.lang))),
    ]);
    repo = data.repository;
  } catch (e) {
    ctx.log.warn(`PUCS: could not read the base files for the enclosing functions (the report names hunk-header sections instead): ${(e as Error).message}`);
    return null;
  }
  const out = new Map<string, Definition[]>();
  files.forEach((f, k) => {
    const text = repo?.[`f${k}`]?.text;
    if (typeof text !== "string" || text.length > MAX_SYMBOL_BYTES) return;
    const root = parseLoaded(f.lang, text);
    if (root) out.set(f.path, definitionsOf(root, f.lang));
  });
  return out.size > 0 ? out : null;
}
