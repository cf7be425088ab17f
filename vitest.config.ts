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
  },
});
