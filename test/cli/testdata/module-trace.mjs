// Preloaded with `node --import` by startup-modules.test.ts: records every module the process loads
// into the file named by VIGIL_MODULE_TRACE, one per line. ES modules are seen through a load hook
// (it runs on the loader thread); CommonJS modules through require's cache when the process exits.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.VIGIL_MODULE_TRACE;
if (out) {
  register('./module-trace-hooks.mjs', import.meta.url);
  process.on('exit', () => {
    const cjs = Object.keys(Module._cache).map((p) => pathToFileURL(p).href);
    appendFileSync(out, cjs.map((u) => `${u}\n`).join(''));
  });
}
