import { UnknownBenchmarkError } from '../errors/unknown-benchmark-error.js';
import type { Benchmark, CheckDefinition, CheckLevel, CheckProfile } from '../model/check-model.js';
import { SECURITY_BEST_PRACTICES } from './best-practices/security-best-practices.js';
import { CIS_DEBIAN12 } from './cis-debian12/cis-debian12-benchmark.js';

/** Every benchmark vigil evaluates; an explicit list, no side-effect registration. */
export const BENCHMARKS: readonly Benchmark[] = [CIS_DEBIAN12, SECURITY_BEST_PRACTICES];

export function benchmark(id: string): Benchmark {
  const found = BENCHMARKS.find((b) => b.id === id);
  if (!found)
    throw new UnknownBenchmarkError(
      id,
      BENCHMARKS.map((b) => b.id),
    );
  return found;
}

/** The checks of a level for a profile: Level 2 includes Level 1, as CIS defines it. */
export function selectChecks(b: Benchmark, level: CheckLevel, profile: CheckProfile): CheckDefinition[] {
  return b.checks.filter((c) => {
    const l = c.levels[profile];
    return l !== undefined && l <= level;
  });
}
