import type { Resolver } from '../source/resolver.js';
import { benchmark, selectChecks } from './benchmarks/benchmark-registry.js';
import { AssessmentFactsError } from './errors/assessment-facts-error.js';
import { evaluateChecks } from './evaluate/check-evaluator.js';
import { collectFacts } from './facts/fact-collector.js';
import type { AssessmentFacts, TargetMode } from './facts/fact-model.js';
import { factsProblems } from './facts/facts-validator.js';
import type { LiveHostProbe } from './facts/live/live-host-probe.js';
import type { CheckLevel, CheckProfile } from './model/check-model.js';
import { summarize, type AssessmentResult } from './model/check-result.js';

export interface AssessmentSelection {
  benchmark: string;
  level: CheckLevel;
  profile: CheckProfile;
}

export interface AssessRootOptions extends AssessmentSelection {
  /** `rootfs` (default): configuration only. `host`: the resolver's root is this running system. */
  mode?: TargetMode;
  /** Live hosts only: read-only commands (`sshd -T`, `systemctl is-enabled`). */
  probe?: LiveHostProbe;
  /** What the target is called in reports (default: the resolver's description). */
  description?: string;
}

/** The fact keys an assessment needs: what an agent must collect for it. */
export function factsNeeded(selection: AssessmentSelection): string[] {
  const checks = selectChecks(benchmark(selection.benchmark), selection.level, selection.profile);
  return [...new Set(checks.flatMap((c) => c.facts))].sort();
}

/**
 * The one engine entry for the CLI, the API and agents: collect the facts the selected checks need
 * through the resolver, then evaluate them. Returns the facts too, so they can be stored or re-evaluated.
 */
export async function assessRoot(
  resolver: Resolver,
  opts: AssessRootOptions,
): Promise<{ facts: AssessmentFacts; result: AssessmentResult }> {
  const keys = factsNeeded(opts);
  const mode = opts.mode ?? 'rootfs';
  const facts = await collectFacts(resolver, keys, {
    mode,
    ...(opts.probe ? { probe: opts.probe } : {}),
    ...(opts.description ? { description: opts.description } : {}),
  });
  return { facts, result: assessFacts(facts, opts) };
}

/** Facts in, results out: deterministic, no I/O. Facts from outside (an agent) are validated first. */
export function assessFacts(facts: unknown, selection: AssessmentSelection): AssessmentResult {
  const valid = validateFacts(facts);
  const b = benchmark(selection.benchmark);
  const results = evaluateChecks(
    selectChecks(b, selection.level, selection.profile),
    valid,
    selection.profile,
  );
  return {
    benchmark: { id: b.id, title: b.title, source: b.source },
    level: selection.level,
    profile: selection.profile,
    target: valid.target,
    results,
    summary: summarize(results),
  };
}

/** Facts from outside (an agent, a file) must have the documented shape before anything reads them. */
export function validateFacts(facts: unknown): AssessmentFacts {
  const problems = factsProblems(facts);
  if (problems.length) throw new AssessmentFactsError(problems);
  return facts as AssessmentFacts;
}
