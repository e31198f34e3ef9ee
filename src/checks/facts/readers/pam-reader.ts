import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult } from '../fact-model.js';
import { configLines, readText, type ConfigLine } from './safe-text.js';

const PAM_DIR = '/etc/pam.d';
const MAX_DEPTH = 8;

/**
 * `pam:SERVICE`: the stack of /etc/pam.d/SERVICE as PAM runs it, `@include` files expanded in place,
 * one line per rule (`type control module args`, whitespace collapsed) with its `file:line`.
 */
export async function readPamStack(service: string, ctx: CollectContext): Promise<FactResult> {
  if (!/^[A-Za-z0-9._-]+$/.test(service)) return factError(`invalid PAM service name "${service}"`);
  const lines: ConfigLine[] = [];
  const files: string[] = [];
  const error = await expand(ctx, service, 0, lines, files);
  if (error) return factError(error);
  return ok({ type: 'lines', lines, files });
}

async function expand(
  ctx: CollectContext,
  name: string,
  depth: number,
  out: ConfigLine[],
  files: string[],
): Promise<string | undefined> {
  if (depth > MAX_DEPTH) return `${PAM_DIR}/${name}: @include nested deeper than ${MAX_DEPTH}`;
  const path = `${PAM_DIR}/${name}`;
  const read = await readText(ctx.resolver, path);
  if (read.kind === 'error') return read.reason;
  if (read.kind === 'absent') return undefined;
  files.push(path);
  for (const line of configLines(read.text, path)) {
    const inc = /^@include\s+(\S+)$/.exec(line.text);
    if (!inc) {
      out.push(line);
      continue;
    }
    const target = inc[1] as string;
    if (!/^[A-Za-z0-9._-]+$/.test(target)) return `${line.origin}: invalid @include "${target}"`;
    const err = await expand(ctx, target, depth + 1, out, files);
    if (err) return err;
  }
  return undefined;
}
