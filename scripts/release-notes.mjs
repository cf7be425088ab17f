#!/usr/bin/env node
// The release notes of one version: its section of CHANGELOG.md, without the heading.
//   node scripts/release-notes.mjs            the version in package.json
//   node scripts/release-notes.mjs 1.2.3      that version
// Exit 1 with a message when CHANGELOG.md has no non-empty section "## [X.Y.Z] - YYYY-MM-DD" for it.
// Used by .github/workflows/release.yml; test/release.test.ts checks it.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Sections of a Keep a Changelog file, newest first: { version, date, notes }. */
export function changelogEntries(text) {
  const entries = [];
  const heading = /^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?[ \t]*$/gm;
  const marks = [...text.matchAll(heading)];
  marks.forEach((m, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].index : text.length;
    // Link reference lines ("[1.0.0]: https://...") are not notes.
    const body = text
      .slice(m.index + m[0].length, end)
      .split("\n")
      .filter((line) => !/^\[[^\]]+\]: \S+\s*$/.test(line))
      .join("\n");
    entries.push({ version: m[1], date: m[2] ?? null, notes: body.trim() });
  });
  return entries;
}

function main() {
  const version = process.argv[2] ?? JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  const entries = changelogEntries(readFileSync(join(root, "CHANGELOG.md"), "utf8"));
  const entry = entries.find((e) => e.version === version);
  if (!entry || !entry.date || entry.notes === "") {
    console.error(`release-notes: CHANGELOG.md has no dated, non-empty section "## [${version}] - YYYY-MM-DD". Add one before releasing ${version}.`);
    process.exit(1);
  }
  process.stdout.write(`${entry.notes}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
