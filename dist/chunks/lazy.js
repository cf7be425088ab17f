import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  LAZY,
  lazyImport
} from "./chunk-6V6WILQT.js";
import "./chunk-NZU5CSYO.js";
export {
  LAZY,
  lazyImport
};
