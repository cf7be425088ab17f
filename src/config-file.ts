/**
 * Finds and reads the stream configuration of a repository (edge module: uses the file system).
 *
 * Lookup order: `override` (e.g. `--config`; relative to the current directory, or absolute), else
 * `config/pucs_streams.yaml`, else `.github/pucs.yml`, both relative to the repository root.
 * Paths in issues are relative to the repository root when the file is inside it.
 */
// Synchronous reads of one small file: node:fs/promises would cost `pucs check` a module load of its own.
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Config, SourceIssue } from "./engine/types.js";

export const CONFIG_PATHS = ["config/pucs_streams.yaml", ".github/pucs.yml"] as const;

export type LoadConfigResult =
  | { ok: true; path: string; config: Config; warnings: SourceIssue[] }
  | { ok: false; path: string | null; issues: SourceIssue[] };

/** `abs` relative to `root` with "/" separators, or `abs` itself when it lies outside. */
function displayPath(root: string, abs: string): string {
  const rel = relative(root, abs);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return abs;
  return rel.split(sep).join("/");
}

async function isFile(p: string): Promise<boolean> {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function issue(file: string, message: string): SourceIssue {
  return { file, line: 0, col: 0, message, severity: "error" };
}

/** Where the config is (absolute, and as issues name it), or why there is none; nothing is read or parsed. */
export async function locateConfigFile(repoRoot: string, override?: string): Promise<{ ok: true; abs: string; shown: string } | (LoadConfigResult & { ok: false })> {
  const root = resolve(repoRoot);
  let abs: string;
  if (override !== undefined) {
    abs = resolve(override);
    const shown = displayPath(root, abs);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return { ok: false, path: shown, issues: [issue(shown, `config file not found (given with --config): ${abs}`)] };
    }
    if (!st.isFile()) {
      return { ok: false, path: shown, issues: [issue(shown, `not a file (given with --config): ${abs}`)] };
    }
  } else {
    let found: string | null = null;
    for (const candidate of CONFIG_PATHS) {
      const p = resolve(root, candidate);
      if (await isFile(p)) {
        found = p;
        break;
      }
    }
    if (found === null) {
      return {
        ok: false,
        path: null,
        issues: [
          issue(
            CONFIG_PATHS[0],
            `no PUCS config found: tried ${CONFIG_PATHS.join(" and ")} in ${root}; create one with \`pucs init --write-config\` (or pass --config <file>)`,
          ),
        ],
      };
    }
    abs = found;
  }
  return { ok: true, abs, shown: displayPath(root, abs) };
}

export async function loadConfigFile(repoRoot: string, override?: string): Promise<LoadConfigResult> {
  const at = await locateConfigFile(repoRoot, override);
  if (!at.ok) return at;
  const { abs, shown } = at;
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { ok: false, path: shown, issues: [issue(shown, `cannot read the config file${code ? ` (${code})` : ""}: ${abs}`)] };
  }
  // Loaded when a config is parsed (YAML and zod are most of the CLI's start-up; see src/cli/check-fast.ts).
  const { parseConfig } = await import("./engine/config/index.js");
  const result = parseConfig(text, shown);
  if (!result.ok) return { ok: false, path: shown, issues: result.issues };
  return { ok: true, path: shown, config: result.config, warnings: result.warnings };
}
