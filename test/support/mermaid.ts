/**
 * Mermaid's own parser under Node: mermaid needs a DOM (DOMPurify), so the test files that import
 * this run in vitest's happy-dom environment (`// @vitest-environment happy-dom`). No browser.
 */
import mermaid from "mermaid";

mermaid.initialize({ startOnLoad: false });

/** The diagram type Mermaid recognized; throws Mermaid's parse error for a source GitHub could not render. */
export async function parseMermaid(source: string): Promise<string> {
  const r = await mermaid.parse(source);
  if (!r) throw new Error("mermaid.parse returned false");
  return r.diagramType;
}

/** The ```mermaid blocks of a Markdown body. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}
