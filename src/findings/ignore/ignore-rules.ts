import { readFile } from 'node:fs/promises';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../core/errors/usage-error.js';
import type { Finding } from '../finding-types.js';

/**
 * One rule of a `vigil-ignore.yaml`: every criterion given must hold (at least one is required).
 * `package` is a name or a purl prefix; `path` a glob over the vulnerable package's file path.
 */
export interface IgnoreRule {
  id: string;
  vulnerability?: string;
  package?: string;
  path?: string;
  reason: string;
  /** ISO date; after it the rule no longer applies (and a warning says so). */
  expires?: string;
}

/** A rule that hid a finding: kept on the output so nothing disappears silently (grype does the same). */
export interface AppliedIgnore {
  ruleId: string;
  reason: string;
  findingId: string;
  vulnerabilityId: string;
  packages: string[];
}

const KEYS = new Set(['id', 'vulnerability', 'package', 'path', 'reason', 'expires']);

/** Parses the ignore file's text: `rules:` (or a bare list) of rules; mistakes are usage errors. */
export function parseIgnoreRules(text: string, file = 'ignore file'): IgnoreRule[] {
  const doc = parseYaml(text) as unknown;
  const list = Array.isArray(doc) ? doc : (doc as { rules?: unknown } | null)?.rules;
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(list)) throw new UsageError(`${file}: expected a list of rules under "rules:"`);
  return list.map((raw, i) => toRule(raw, i, file));
}

function toRule(raw: unknown, i: number, file: string): IgnoreRule {
  if (typeof raw !== 'object' || raw === null)
    throw new UsageError(`${file}: rule ${i + 1} is not a mapping`);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r))
    if (!KEYS.has(k)) throw new UsageError(`${file}: rule ${i + 1}: unknown key "${k}"`);
  const str = (k: string): string | undefined => {
    const v = r[k];
    if (v === undefined || v === null) return undefined;
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v !== 'string' && typeof v !== 'number')
      throw new UsageError(`${file}: rule ${i + 1}: "${k}" must be text`);
    return String(v);
  };
  const rule: IgnoreRule = { id: str('id') ?? `rule-${i + 1}`, reason: str('reason') ?? '' };
  if (!rule.reason) throw new UsageError(`${file}: rule ${i + 1}: "reason" is required`);
  for (const k of ['vulnerability', 'package', 'path', 'expires'] as const) {
    const v = str(k);
    if (v !== undefined) rule[k] = v;
  }
  if (!rule.vulnerability && !rule.package && !rule.path) {
    throw new UsageError(`${file}: rule ${i + 1}: give at least one of vulnerability, package, path`);
  }
  if (rule.expires !== undefined && Number.isNaN(Date.parse(rule.expires))) {
    throw new UsageError(`${file}: rule ${i + 1}: "expires" is not a date: ${rule.expires}`);
  }
  return rule;
}

export async function loadIgnoreFile(path: string): Promise<IgnoreRule[]> {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ignore file ${path}: ${(err as Error).message}`);
  }
  return parseIgnoreRules(text, path);
}

/** A rule expires at the end of its `expires` day (UTC) when only a date is given. */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  if (!rule.expires) return false;
  const end = /^\d{4}-\d{2}-\d{2}$/.test(rule.expires)
    ? Date.parse(`${rule.expires}T23:59:59.999Z`)
    : Date.parse(rule.expires);
  return now.getTime() > end;
}

export function ruleMatches(rule: IgnoreRule, f: Finding): boolean {
  const d = f.packageVulnerabilityDetails;
  if (!d) return false;
  if (rule.vulnerability) {
    const ids = [d.vulnerabilityId, ...d.relatedVulnerabilities];
    if (!ids.includes(rule.vulnerability)) return false;
  }
  const pkgs = d.vulnerablePackages;
  if (rule.package) {
    const p = rule.package;
    const hit = p.startsWith('pkg:')
      ? pkgs.some((v) => v.purl === p || v.purl.startsWith(p.includes('@') ? p : `${p}@`))
      : pkgs.some((v) => v.name === p || v.sourceName === p);
    if (!hit) return false;
  }
  if (rule.path) {
    const isMatch = picomatch(rule.path, { dot: true });
    if (!pkgs.some((v) => isMatch(v.filePath) || isMatch(v.filePath.replace(/^\//, '')))) return false;
  }
  return true;
}
