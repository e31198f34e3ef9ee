import { isVigilError } from '../../core/errors/vigil-error.js';
import type { Resolver } from '../../source/resolver.js';
import { CollectContext } from './collect-context.js';
import { FACT_KINDS, parseFactKey } from './fact-keys.js';
import {
  FACTS_SCHEMA_ID,
  factError,
  type AssessmentFacts,
  type FactResult,
  type TargetMode,
} from './fact-model.js';
import type { LiveHostProbe } from './live/live-host-probe.js';

export interface CollectOptions {
  mode: TargetMode;
  /** Live hosts only: read-only commands for what files cannot tell. Ignored for a root filesystem. */
  probe?: LiveHostProbe;
  /** What the facts describe, for reports (default: the resolver's own description). */
  description?: string;
}

/**
 * Reads the facts named by `keys` through the resolver and returns them as one JSON document. Facts are
 * read one after another in key order (deterministic), and a reader that fails turns into an error
 * fact for its key alone: one hostile file never stops the assessment.
 */
export async function collectFacts(
  resolver: Resolver,
  keys: Iterable<string>,
  opts: CollectOptions,
): Promise<AssessmentFacts> {
  const ctx = new CollectContext(resolver, opts.mode, opts.mode === 'host' ? opts.probe : undefined);
  const facts: Record<string, FactResult> = {};
  for (const key of [...new Set(keys)].sort()) facts[key] = await collectOne(key, ctx);
  return {
    schema: FACTS_SCHEMA_ID,
    target: { description: opts.description ?? resolver.describe(), mode: opts.mode },
    facts,
  };
}

async function collectOne(key: string, ctx: CollectContext): Promise<FactResult> {
  const parsed = parseFactKey(key);
  if (!parsed) return factError(`unknown fact key "${key}"`);
  try {
    return await (FACT_KINDS[parsed.kind] as (typeof FACT_KINDS)[string]).read(parsed.arg, ctx);
  } catch (err) {
    const what = isVigilError(err)
      ? `${err.code}: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
    return factError(`reading ${key} failed (${what})`);
  }
}
