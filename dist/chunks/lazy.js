import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  LAZY,
  lazyImport
} from "./chunk-Y7ITSPOW.js";
import "./chunk-NZU5CSYO.js";
export {
  LAZY,
  lazyImport
};
