import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult, type ValueFact } from '../fact-model.js';
import { filesIn, readText } from './safe-text.js';
import { applyListModifier, parseSshdConfig, sshdSeconds, type SshdDirective } from './sshd-config-parser.js';
import {
  SSHD_ACCUMULATING,
  SSHD_ALGORITHM_LISTS,
  SSHD_DEFAULTS,
  SSHD_TIME_OPTIONS,
} from './sshd-defaults.js';

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
/** sshd's own bound on nested Include (READCONF_MAX_DEPTH). */
const MAX_INCLUDE_DEPTH = 16;

interface SshdConfig {
  directives: SshdDirective[];
  files: string[];
  error?: string;
}

/**
 * `sshd:OPTION` (lowercase keyword): the value sshd would use for a connection no Match block selects.
 * On a live host `sshd -T` says it; otherwise sshd_config is read with every Include resolved in place,
 * the first value wins (sshd's rule), an unset option is sshd's default, and Match blocks that set the
 * option differently are named in the fact's note.
 */
export async function readSshdOption(option: string, ctx: CollectContext): Promise<FactResult> {
  if (ctx.probe) {
    const dump = await ctx.memo(
      'sshd-T',
      () => ctx.probe?.sshdEffectiveConfig() ?? Promise.resolve(undefined),
    );
    if (dump !== undefined) return ok(fromSshdT(dump, option));
  }
  const config = await ctx.memo('sshd-config', () => loadSshdConfig(ctx));
  if (config.error) return factError(config.error);
  return ok(effectiveOption(config.directives, option));
}

function fromSshdT(dump: string, option: string): ValueFact {
  const values = dump
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((parts) => parts[0]?.toLowerCase() === option)
    .map((parts) => parts.slice(1).join(' '));
  if (values.length === 0)
    return { type: 'value', origin: 'sshd -T', note: 'sshd -T does not print this option' };
  return { type: 'value', value: values.join(SSHD_ACCUMULATING.has(option) ? ' ' : ','), origin: 'sshd -T' };
}

export function effectiveOption(directives: readonly SshdDirective[], option: string): ValueFact {
  const global = directives.filter((d) => d.keyword === option && d.match === undefined);
  const matches = directives.filter((d) => d.keyword === option && d.match !== undefined);
  const note = matches.length
    ? `also set in Match blocks: ${matches.map((d) => `${d.match} → ${d.args.join(' ')} (${d.origin})`).join('; ')}`
    : undefined;
  const withNote = (f: ValueFact): ValueFact => (note ? { ...f, note } : f);
  if (global.length === 0) {
    const def = SSHD_DEFAULTS[option];
    if (def === undefined) return withNote({ type: 'value' });
    return withNote({ type: 'value', value: def, origin: 'sshd default (not set in the configuration)' });
  }
  if (SSHD_ACCUMULATING.has(option)) {
    return withNote({
      type: 'value',
      value: global.flatMap((d) => d.args).join(' '),
      origin: global.map((d) => d.origin).join(', '),
    });
  }
  const first = global[0] as SshdDirective;
  let value = first.args.join(' ');
  if (SSHD_ALGORITHM_LISTS.has(option) && SSHD_DEFAULTS[option])
    value = applyListModifier(value, SSHD_DEFAULTS[option]);
  if (SSHD_TIME_OPTIONS.has(option)) value = String(sshdSeconds(value) ?? value);
  const later = global.length > 1 ? ` (first of ${global.length}; sshd ignores the later ones)` : '';
  return withNote({ type: 'value', value, origin: `${first.origin}${later}` });
}

export async function loadSshdConfig(ctx: CollectContext): Promise<SshdConfig> {
  const config: SshdConfig = { directives: [], files: [] };
  await walk(ctx, SSHD_CONFIG, 0, undefined, config);
  return config;
}

async function walk(
  ctx: CollectContext,
  path: string,
  depth: number,
  outerMatch: string | undefined,
  config: SshdConfig,
): Promise<void> {
  if (config.error) return;
  if (depth > MAX_INCLUDE_DEPTH) {
    config.error = `${path}: Include nested deeper than ${MAX_INCLUDE_DEPTH} levels (sshd refuses this too)`;
    return;
  }
  const read = await readText(ctx.resolver, path);
  if (read.kind === 'error') {
    config.error = read.reason;
    return;
  }
  if (read.kind === 'absent') return;
  config.files.push(path);
  // A Match block runs to the next Match or the end of the file it is in; included files start in the includer's block.
  let match = outerMatch;
  for (const line of parseSshdConfig(read.text)) {
    if (line.kind === 'bad') {
      config.error = `${path}:${line.line}: unterminated quote (sshd would refuse to start)`;
      return;
    }
    if (line.keyword === 'include') {
      for (const target of await expandInclude(ctx, line.args))
        await walk(ctx, target, depth + 1, match, config);
      continue;
    }
    if (line.keyword === 'match') {
      match = `Match ${line.args.join(' ')}`;
      continue;
    }
    const d: SshdDirective = { keyword: line.keyword, args: line.args, origin: `${path}:${line.line}` };
    if (match !== undefined) d.match = match;
    config.directives.push(d);
  }
}

/** Include arguments: relative to /etc/ssh, globs in the last component expanded and sorted (glob(3)). */
async function expandInclude(ctx: CollectContext, args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const abs = arg.startsWith('/') ? arg : `/etc/ssh/${arg}`;
    const slash = abs.lastIndexOf('/');
    const dir = abs.slice(0, slash) || '/';
    const base = abs.slice(slash + 1);
    if (/[*?[]/.test(dir)) {
      out.push(...(await ctx.resolver.findFiles([abs.slice(1)])).map((r) => r.path));
    } else if (/[*?[]/.test(base)) {
      out.push(...(await filesIn(ctx.resolver, dir, base)));
    } else out.push(abs);
  }
  return out;
}
