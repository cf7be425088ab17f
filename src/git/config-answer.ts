/**
 * The answer of `git config -z --get-regexp '^(<key>|remote\..*\.url)$'`: the value of `key` and the
 * names of the remotes. Its own small module because `pucs check`'s fast path reads the same answer
 * (src/cli/check-plan.ts) without loading the whole git gateway.
 */
export function configAnswerOf(r: { code: number; stdout: string }, key: string): { value: string | null; remotes: string[] } {
  let value: string | null = null;
  const remotes: string[] = [];
  if (r.code === 0) {
    for (const entry of r.stdout.split("\0")) {
      const nl = entry.indexOf("\n");
      if (nl === -1) continue;
      const name = entry.slice(0, nl);
      if (name === key) value = entry.slice(nl + 1);
      else if (name.startsWith("remote.") && name.endsWith(".url")) remotes.push(name.slice("remote.".length, -".url".length));
    }
  }
  return { value, remotes };
}
