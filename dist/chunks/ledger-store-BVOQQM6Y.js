import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  DEFAULT_LEDGER_REF,
  GitRefStore,
  LEDGER_FILE,
  ledgerHint,
  parseCatFileBatch
} from "./chunk-GIJWIVCS.js";
import "./chunk-CSRU35QZ.js";
import "./chunk-XQOQWPWI.js";
import "./chunk-NZU5CSYO.js";
export {
  DEFAULT_LEDGER_REF,
  GitRefStore,
  LEDGER_FILE,
  ledgerHint,
  parseCatFileBatch
};
