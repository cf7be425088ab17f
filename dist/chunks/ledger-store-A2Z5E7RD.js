import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  DEFAULT_LEDGER_REF,
  GitRefStore,
  LEDGER_FILE,
  ledgerHint,
  parseCatFileBatch
} from "./chunk-4LME5HIC.js";
import "./chunk-JLMHI7R5.js";
import "./chunk-XQOQWPWI.js";
import "./chunk-4Z3O2TMB.js";
import "./chunk-NZU5CSYO.js";
export {
  DEFAULT_LEDGER_REF,
  GitRefStore,
  LEDGER_FILE,
  ledgerHint,
  parseCatFileBatch
};
