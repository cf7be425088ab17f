import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // Timeouts catch hangs; they are not speed checks. Process-heavy tests (git, CLI and App
    // processes) ran 3× slower on one machine of this kind than on another: 30 s was too tight.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one worker per core minus one: ONE on a 2-core machine, so the suite ran
    // file after file while the e2e tests mostly wait (on child processes, on Probot's 1 s write
    // spacing). Two workers overlap that waiting (three overloaded the cores: CPU-heavy files ran 2-4× slower).
    maxWorkers: 2,
  },
});
