import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

/** NuGetVersion: up to four numeric parts (missing ones are 0), SemVer 2.0.0 labels, ignored metadata. */
export interface NuGetVersion {
  readonly numbers: readonly bigint[];
  readonly labels: readonly string[];
}

const IDENT = '[0-9A-Za-z-]+';
const NUGET = new RegExp(
  `^([0-9]+(?:\\.[0-9]+){0,3})(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`,
);

export function parseNuGetVersion(version: string): NuGetVersion | undefined {
  // NuGet trims surrounding whitespace when it parses; legacy leading zeros (1.01) read as numbers.
  const m = NUGET.exec(version.trim());
  if (!m) return undefined;
  const numbers = (m[1] ?? '').split('.').map((n) => BigInt(n));
  while (numbers.length < 4) numbers.push(0n);
  return { numbers, labels: m[2] ? m[2].split('.') : [] };
}

function compareLabel(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (an !== bn) return an ? -1 : 1;
  // NuGet compares labels with StringComparer.OrdinalIgnoreCase, which upper-cases both sides.
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareParsed(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const x = a.numbers[i] ?? 0n;
    const y = b.numbers[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  // A release sorts after all of its pre-releases.
  if (a.labels.length === 0 || b.labels.length === 0) {
    return (a.labels.length === 0 ? 1 : 0) - (b.labels.length === 0 ? 1 : 0);
  }
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const c = compareLabel(a.labels[i] ?? '', b.labels[i] ?? '');
    if (c !== 0) return c;
  }
  return Math.sign(a.labels.length - b.labels.length);
}

function mustParse(version: string): NuGetVersion {
  const parsed = parseNuGetVersion(version);
  if (!parsed) throw new VersionInvalidError('nuget', version);
  return parsed;
}

export function compareNuGetVersions(a: string, b: string): number {
  return compareParsed(mustParse(a), mustParse(b));
}

export const nugetVersionScheme: VersionScheme = {
  name: 'nuget',
  isValid: (version) => parseNuGetVersion(version) !== undefined,
  compare: compareNuGetVersions,
};
