import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, suggest } from "../../../src/engine/config/suggest.js";

describe("suggest", () => {
  it("prefers a match ignoring case, _ and -", () => {
    expect(suggest("maxAgents", ["name", "max_agents"])).toBe("max_agents");
    expect(suggest("llm", ["EXEC", "LLM"])).toBe("LLM");
  });
  it("else the closest within a third of the word's length", () => {
    expect(suggest("modles", ["models", "config"])).toBe("models");
    expect(suggest("colour", ["name", "critical"])).toBeNull();
    expect(suggest("z", ["A"])).toBeNull(); // replacing every letter is no suggestion
  });
  it("never suggests the word itself", () => {
    expect(suggest("A", ["A"])).toBeNull();
  });
  it("formats the hint", () => {
    expect(didYouMean("max_tll", ["default_ttl", "max_ttl"])).toBe('; did you mean "max_ttl"?');
    expect(didYouMean("zzz", ["a"])).toBe("");
  });
  it("computes edit distances", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "abc")).toBe(0);
  });
});
