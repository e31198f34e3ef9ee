// The loader-thread half of module-trace.mjs: every ES module URL, as it is loaded.
import { appendFileSync } from 'node:fs';

export async function load(url, context, next) {
  if (process.env.VIGIL_MODULE_TRACE) appendFileSync(process.env.VIGIL_MODULE_TRACE, `${url}\n`);
  return next(url, context);
}
