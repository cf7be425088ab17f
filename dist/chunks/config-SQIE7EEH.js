import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  DEFAULTS,
  formatIssue,
  parseConfig,
  renderPath
} from "./chunk-5TLIR745.js";
import "./chunk-TZT2VDVM.js";
import "./chunk-XQOQWPWI.js";
import "./chunk-NZU5CSYO.js";
export {
  DEFAULTS as CONFIG_DEFAULTS,
  formatIssue,
  parseConfig,
  renderPath
};
