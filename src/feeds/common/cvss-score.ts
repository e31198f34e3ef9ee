import cvssCalculator from 'ae-cvss-calculator';
import type { CvssEntry } from '../../vulndb/vuln-types.js';

const cache = new Map<string, CvssEntry | undefined>();

/**
 * Parses a CVSS vector (v2 bare, `CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`) and computes its base score with
 * ae-cvss-calculator. Undefined when the vector does not parse: feeds carry some broken vectors, and a
 * broken vector must not cost the record.
 */
export function cvssEntry(vector: string, source: string): CvssEntry | undefined {
  const key = vector.trim();
  let base = cache.get(key);
  if (!cache.has(key)) {
    base = computeBase(key);
    cache.set(key, base);
  }
  if (!base) return undefined;
  return { ...base, source };
}

function computeBase(vector: string): CvssEntry | undefined {
  try {
    const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssCalculator;
    let version: CvssEntry['version'];
    let base: number | undefined;
    if (vector.startsWith('CVSS:4.0/')) {
      version = '4.0';
      base = new Cvss4P0(vector).calculateScores().base;
    } else if (vector.startsWith('CVSS:3.1/')) {
      version = '3.1';
      base = new Cvss3P1(vector).calculateScores().base;
    } else if (vector.startsWith('CVSS:3.0/')) {
      version = '3.0';
      base = new Cvss3P0(vector).calculateScores().base;
    } else if (/^\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(vector)) {
      version = '2.0';
      base = new Cvss2(vector.replace(/^\(|\)$/g, '')).calculateScores().base;
    } else return undefined;
    if (typeof base !== 'number' || Number.isNaN(base)) return undefined;
    return { vector, version, baseScore: base, source: '' };
  } catch {
    return undefined;
  }
}
