import type { Finding } from '../../src/findings/finding-types.js';
import { randomFinding } from './random-findings.js';

/**
 * Values where a byte range can go wrong: UTF-8 length steps, the surrogate block, U+FFFF against
 * astral characters (UTF-16 and UTF-8 order them differently), U+10FFFF that cannot grow, a lone
 * surrogate (stored as U+FFFD), case and accent twins, LIKE's wildcards and escape, the empty string.
 * No U+0000: PostgreSQL text cannot hold it.
 */
export const EDGE_VALUES = [
  '',
  'p',
  'pkg',
  'pkh',
  'Pkg',
  'PKG',
  'pkg-1',
  'pkg_1',
  'pkgx1',
  'pkg%',
  'pkg%x',
  'pkg\\',
  'pkg\\%',
  'pkg\u007f',
  'pkg\u0080',
  'pkg\u07ff',
  'pkg\u0800',
  'pkg\ud7ff',
  'pkg\ue000',
  'pkg\ufffd',
  'pkg\uffff',
  'pkg\u{10000}',
  'pkg\u{10fffe}',
  'pkg\u{10ffff}',
  'pkg\u{10ffff}a',
  'pkg\u{10ffff}\u{10ffff}',
  'pkg\ud800',
  'pkg\u00e9',
  'pkge\u0301',
  'stra\u00dfe',
  'STRASSE',
  '\u0130stanbul',
  'istanbul',
  '\u{10ffff}',
  '\u{10ffff}\u{10ffff}x',
  '\u00ff\u00ff',
];

/**
 * The characters random values are drawn from: the edges above one code point at a time, case pairs
 * whose folding differs by locale (ß, dotted/dotless i), and every LIKE/GLOB metacharacter.
 */
const ALPHABET = [
  'a',
  'b',
  'A',
  'B',
  '%',
  '_',
  '\\',
  '*',
  '?',
  '[',
  '-',
  '.',
  ' ',
  '\u00df',
  '\u0131',
  '\u0130',
  'i',
  '\u00e9',
  '\u0301',
  '\u007f',
  '\u0080',
  '\u07ff',
  '\u0800',
  '\ud7ff',
  '\ue000',
  '\ufffd',
  '\uffff',
  '\u{10000}',
  '\u{10fffe}',
  '\u{10ffff}',
  '\ud800',
  '\udfff',
];

export function randomValue(r: () => number, max: number): string {
  let s = '';
  for (let n = Math.floor(r() * (max + 1)); n > 0; n--) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

/** The string fields PREFIX compiles to a range on. */
export const PREFIX_FIELDS = ['packageName', 'vulnerabilityId', 'resourceId', 'repositoryName'] as const;

/** A finding whose four prefix fields hold the given values, the rest random. */
export function findingWith(
  r: () => number,
  i: number,
  v: readonly [string, string, string, string],
): Finding {
  return {
    ...randomFinding(r, i),
    type: 'PACKAGE_VULNERABILITY',
    resources: [{ id: v[2], type: 'CONTAINER_IMAGE', details: { repositoryName: v[3] } }],
    packageVulnerabilityDetails: {
      vulnerabilityId: v[1],
      source: 'osv',
      cvss: [],
      relatedVulnerabilities: [],
      referenceUrls: [],
      vulnerablePackages: [
        {
          name: v[0],
          version: '1',
          filePath: '/x',
          purl: 'pkg:x',
          packageManager: 'NPM',
          fixedInVersion: 'NotAvailable',
          remediation: '',
        },
      ],
      matches: [],
      cwes: [],
    },
  };
}

/** Every cut of each value at each UTF-16 unit (so halves of astral characters too), '' included. */
export function cutsOf(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) for (let k = 0; k <= v.length; k++) out.add(v.slice(0, k));
  return [...out];
}
