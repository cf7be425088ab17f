// `circuit_breaker:` in config/pucs_streams.yaml: global defaults, per-stream overrides, positioned errors.
import { describe, expect, it } from "vitest";
import { breakerConfigFor } from "../../../src/engine/breaker.js";
import { errorsOf, parsed, yaml } from "./helpers.js";

describe("circuit_breaker config", () => {
  it("defaults to the seed's BaseCircuitBreaker (5 failures, 300 s) with a 10-minute window, merges blocked", () => {
    const { config } = parsed(yaml`
      streams:
        EXEC: { name: Exec, files_pattern: "execution/**" }
    `);
    expect(config.circuitBreaker).toStrictEqual({ failureThreshold: 5, windowMinutes: 10, cooldownMinutes: 5, blockMerges: true });
    expect(config.streams[0]!.circuitBreaker).toBeUndefined();
    expect(breakerConfigFor(config, "EXEC")).toStrictEqual(config.circuitBreaker);
  });

  it("reads the global section and a stream's override merged over it", () => {
    const { config } = parsed(yaml`
      circuit_breaker: { failure_threshold: 3, window: 30m, cooldown: 90s, block_merges: false }
      streams:
        EXEC:
          name: Exec
          files_pattern: "execution/**"
          circuit_breaker: { failure_threshold: 2 }
        LLM: { name: LLM, files_pattern: "llm/**" }
    `);
    expect(breakerConfigFor(config, "LLM")).toStrictEqual({ failureThreshold: 3, windowMinutes: 30, cooldownMinutes: 1.5, blockMerges: false });
    expect(breakerConfigFor(config, "EXEC")).toStrictEqual({ failureThreshold: 2, windowMinutes: 30, cooldownMinutes: 1.5, blockMerges: false });
  });

  it("names the line and column of a bad value", () => {
    expect(errorsOf(yaml`
      circuit_breaker:
        failure_threshold: many
        cooldown: soon
      streams:
        EXEC: { name: Exec, files_pattern: "execution/**" }
    `)).toStrictEqual([
      expect.stringMatching(/^config\/pucs_streams\.yaml:2:22: error: circuit_breaker\.failure_threshold: expected a positive integer/),
      expect.stringMatching(/^config\/pucs_streams\.yaml:3:13: error: circuit_breaker\.cooldown: /),
    ]);
    expect(errorsOf(yaml`
      streams:
        EXEC:
          name: Exec
          files_pattern: "execution/**"
          circuit_breaker: { colldown: 5m }
    `).join("\n")).toMatch(/streams\.EXEC\.circuit_breaker/);
  });
});
