import { factsNeeded } from '../checks/assess-root.js';
import { collectFacts } from '../checks/facts/fact-collector.js';
import { CommandHostProbe } from '../checks/facts/live/live-host-probe.js';
import type { AssessmentFacts } from '../checks/facts/fact-model.js';
import { DirectoryResolver, HOST_EXCLUDES } from '../source/directory/directory-resolver.js';
import type { AgentContext } from './agent-context.js';
import type { AssessmentRequest } from './server-answers.js';

/**
 * The facts a CIS scan asked for (a check-in answer's `assessmentRequest`), collected read-only by the
 * same collector as `vigil assess`. The live host (`--root /`) is read as a host: /proc/sys, and the
 * read-only commands `sshd -T` and `systemctl is-enabled`; any other root is a root filesystem, and
 * no command runs (nothing of this machine may leak into another root's facts).
 */
export async function collectAssessmentFacts(
  ctx: AgentContext,
  request: AssessmentRequest,
): Promise<AssessmentFacts | undefined> {
  const live = ctx.config.root === '/';
  try {
    const resolver = live
      ? new DirectoryResolver('/', { exclude: HOST_EXCLUDES })
      : new DirectoryResolver(ctx.config.root);
    // One document for every benchmark asked (a Classic run reads best practices from it too).
    const keys = [request.benchmark, ...(request.alsoBenchmarks ?? [])].flatMap((benchmark) =>
      factsNeeded({ benchmark, level: request.level, profile: request.profile }),
    );
    const facts = await collectFacts(resolver, [...new Set(keys)].sort(), {
      mode: live ? 'host' : 'rootfs',
      ...(live ? { probe: new CommandHostProbe() } : {}),
      description: live ? `host ${ctx.identity.hostname}` : `root ${ctx.config.root}`,
    });
    ctx.log('info', 'assessment-facts.collected', { ...request, facts: Object.keys(facts.facts).length });
    return facts;
  } catch (err) {
    ctx.log('error', 'assessment-facts.failed', {
      message: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}
