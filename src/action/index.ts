/** The Action's entry (action.yml runs the bundle of this file, dist/index.js). */
import { run } from "./main.js";

await run();
