import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  DEFAULTS,
  formatIssue,
  parseConfig,
  renderPath
} from "./chunk-YNX3YAQL.js";
import "./chunk-OOWPGEFG.js";
import "./chunk-XQOQWPWI.js";
import "./chunk-PFKP6KD3.js";
import "./chunk-NZU5CSYO.js";
export {
  DEFAULTS as CONFIG_DEFAULTS,
  formatIssue,
  parseConfig,
  renderPath
};
