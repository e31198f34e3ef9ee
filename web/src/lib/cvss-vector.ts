/** CVSS v3.x / v4.0 base metric names and values, to explain a vector in words. */
const METRICS: Record<string, [string, Record<string, string>]> = {
  AV: ['Attack vector', { N: 'Network', A: 'Adjacent', L: 'Local', P: 'Physical' }],
  AC: ['Attack complexity', { L: 'Low', H: 'High' }],
  AT: ['Attack requirements', { N: 'None', P: 'Present' }],
  PR: ['Privileges required', { N: 'None', L: 'Low', H: 'High' }],
  UI: ['User interaction', { N: 'None', R: 'Required', P: 'Passive', A: 'Active' }],
  S: ['Scope', { U: 'Unchanged', C: 'Changed' }],
  C: ['Confidentiality', { N: 'None', L: 'Low', H: 'High' }],
  I: ['Integrity', { N: 'None', L: 'Low', H: 'High' }],
  A: ['Availability', { N: 'None', L: 'Low', H: 'High' }],
  VC: ['Confidentiality (vulnerable system)', { N: 'None', L: 'Low', H: 'High' }],
  VI: ['Integrity (vulnerable system)', { N: 'None', L: 'Low', H: 'High' }],
  VA: ['Availability (vulnerable system)', { N: 'None', L: 'Low', H: 'High' }],
  SC: ['Confidentiality (subsequent systems)', { N: 'None', L: 'Low', H: 'High' }],
  SI: ['Integrity (subsequent systems)', { N: 'None', L: 'Low', H: 'High' }],
  SA: ['Availability (subsequent systems)', { N: 'None', L: 'Low', H: 'High' }],
  Au: ['Authentication', { N: 'None', S: 'Single', M: 'Multiple' }],
};

export interface VectorPart {
  metric: string;
  name: string;
  value: string;
}

/** The base metrics of a vector in words; unknown metrics are shown as written. */
export function explainVector(vector: string): VectorPart[] {
  return vector
    .split('/')
    .filter((p) => p.includes(':') && !p.startsWith('CVSS:'))
    .map((p) => {
      const [metric = '', code = ''] = p.split(':');
      const def = METRICS[metric];
      return { metric, name: def?.[0] ?? metric, value: def?.[1][code] ?? code };
    });
}

/** Only http(s) links are made clickable: a reference is data from a feed, never trusted markup. */
export function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
