import { readFile, realpath, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { assessFacts, assessRoot, type AssessmentSelection } from '../../checks/assess-root.js';
import { BENCHMARKS } from '../../checks/benchmarks/benchmark-registry.js';
import { AssessmentFactsError } from '../../checks/errors/assessment-facts-error.js';
import { CommandHostProbe } from '../../checks/facts/live/live-host-probe.js';
import type { AssessmentFacts } from '../../checks/facts/fact-model.js';
import { assessmentFormat } from '../../checks/formats/assessment-format-registry.js';
import { htmlAssessmentFormat } from '../../checks/formats/html-assessment-format.js';
import { htmlToPdf } from '../../reports/pdf/html-pdf-printer.js';
import { CHECK_PROFILES, type CheckProfile } from '../../checks/model/check-model.js';
import { CHECK_STATUSES, type AssessmentResult, type CheckStatus } from '../../checks/model/check-result.js';
import { ScanTargetError } from '../../core/errors/scan-target-error.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { DirectoryResolver, HOST_EXCLUDES } from '../../source/directory/directory-resolver.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../output-target.js';

export interface AssessCliOptions {
  benchmark: string;
  level: string;
  profile: string;
  format: string;
  output?: string;
  failOn?: string | boolean;
  factsOut?: string;
}

/** `vigil assess fs PATH|host` and `vigil assess host`. */
export async function assessPath(
  path: string,
  opts: AssessCliOptions,
  io: CliIo,
  version: string,
): Promise<void> {
  parseSelection(opts); // a flag typo is reported before the target is even looked at
  await run(path === 'host' ? 'host' : await directoryOf(path), opts, io, version);
}

/** `vigil assess facts FILE`. */
export async function assessFactsFile(
  file: string,
  opts: AssessCliOptions,
  io: CliIo,
  version: string,
): Promise<void> {
  const selection = parseSelection(opts);
  await report(assessFacts(await readFacts(file), selection), opts, io, version);
}

/** Every flag is checked before anything is read: a typo must not cost an assessment. */
function parseSelection(opts: AssessCliOptions): AssessmentSelection {
  if (opts.format === 'pdf') {
    // A PDF on a terminal is noise; it is printed to a file, atomically like every other output.
    if (opts.output === undefined || opts.output === '-')
      throw new UsageError('--format pdf needs --output FILE');
  } else assessmentFormat(opts.format);
  if (!BENCHMARKS.some((b) => b.id === opts.benchmark)) {
    throw new UsageError(
      `unknown benchmark "${opts.benchmark}" (one of ${BENCHMARKS.map((b) => b.id).join(', ')})`,
    );
  }
  if (opts.level !== '1' && opts.level !== '2')
    throw new UsageError(`--level must be 1 or 2, got "${opts.level}"`);
  if (!CHECK_PROFILES.includes(opts.profile as CheckProfile)) {
    throw new UsageError(`--profile must be ${CHECK_PROFILES.join(' or ')}, got "${opts.profile}"`);
  }
  failStatuses(opts);
  return {
    benchmark: opts.benchmark,
    level: opts.level === '2' ? 2 : 1,
    profile: opts.profile as CheckProfile,
  };
}

function failStatuses(opts: AssessCliOptions): CheckStatus[] {
  if (opts.failOn === undefined) return [];
  if (opts.failOn === true) return ['FAILED'];
  const list = String(opts.failOn)
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const s of list) {
    if (!CHECK_STATUSES.includes(s as CheckStatus)) {
      throw new UsageError(`unknown status "${s}" in --fail-on (one of ${CHECK_STATUSES.join(', ')})`);
    }
  }
  return list as CheckStatus[];
}

async function run(target: string, opts: AssessCliOptions, io: CliIo, version: string): Promise<void> {
  const selection = parseSelection(opts);
  const host = target === 'host';
  const resolver = host
    ? new DirectoryResolver('/', { exclude: HOST_EXCLUDES })
    : new DirectoryResolver(target);
  const { facts, result } = await assessRoot(resolver, {
    ...selection,
    mode: host ? 'host' : 'rootfs',
    ...(host ? { probe: new CommandHostProbe(), description: `host ${hostname()}` } : {}),
  });
  if (opts.factsOut)
    await writeOutput(io, `${JSON.stringify(facts satisfies AssessmentFacts, null, 2)}\n`, opts.factsOut);
  await report(result, opts, io, version);
}

async function report(
  result: AssessmentResult,
  opts: AssessCliOptions,
  io: CliIo,
  version: string,
): Promise<void> {
  const doc = { ...result, tool: { name: 'vigil', version } };
  if (opts.format === 'pdf')
    await writeOutput(io, [await htmlToPdf(htmlAssessmentFormat.render(doc))], opts.output);
  else await writeOutput(io, assessmentFormat(opts.format).render(doc), opts.output);
  if (opts.format !== 'table' || opts.output) {
    const c = result.summary.counts;
    io.stderr.write(
      `vigil assess: ${result.summary.total} checks, ${c.FAILED} failed, ${c.PASSED} passed, ` +
        `${c.NOT_APPLICABLE} not applicable, ${c.SKIPPED} skipped, ${c.ERROR} errors\n`,
    );
  }
  const failOn = failStatuses(opts);
  if (failOn.length && result.results.some((r) => failOn.includes(r.status))) io.exitCode = EXIT.FINDINGS;
}

async function readFacts(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScanTargetError(file, (err as NodeJS.ErrnoException).code ?? 'unreadable');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AssessmentFactsError([`not JSON: ${(err as Error).message}`]);
  }
}

async function directoryOf(path: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    throw new ScanTargetError(path, (err as NodeJS.ErrnoException).code ?? 'cannot resolve path');
  }
  if (!(await stat(real)).isDirectory()) throw new ScanTargetError(path, 'not a directory');
  return real;
}
