/**
 * Finds and reads the stream configuration of a repository (edge module: uses the file system).
 *
 * Lookup order: `override` (e.g. `--config`; relative to the current directory, or absolute), else
 * `config/pucs_streams.yaml`, else `.github/pucs.yml`, both relative to the repository root.
 * Paths in issues are relative to the repository root when the file is inside it.
 */
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { parseConfig } from "./engine/config/index.js";
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
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function issue(file: string, message: string): SourceIssue {
  return { file, line: 0, col: 0, message, severity: "error" };
}

export async function loadConfigFile(repoRoot: string, override?: string): Promise<LoadConfigResult> {
  const root = resolve(repoRoot);
  let abs: string;
  if (override !== undefined) {
    abs = resolve(override);
    const shown = displayPath(root, abs);
    let st;
    try {
      st = await stat(abs);
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
  const shown = displayPath(root, abs);
  let text: string;
  try {
    text = await readFile(abs, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { ok: false, path: shown, issues: [issue(shown, `cannot read the config file${code ? ` (${code})` : ""}: ${abs}`)] };
  }
  const result = parseConfig(text, shown);
  if (!result.ok) return { ok: false, path: shown, issues: result.issues };
  return { ok: true, path: shown, config: result.config, warnings: result.warnings };
}
