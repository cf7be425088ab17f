/**
 * Property tests are deterministic in CI: one fixed fast-check seed unless FC_SEED says otherwise
 * (FC_SEED=random explores new cases locally; a failure prints the seed to reproduce it).
 */
import fc from "fast-check";

const raw = process.env.FC_SEED ?? "20261123";
if (raw !== "random") fc.configureGlobal({ seed: Number(raw) });
