import type { CheckStatus } from '../model/check-result.js';
import type { AssessmentFormat } from './assessment-format.js';

const WIDTH = 100;
const ORDER: readonly CheckStatus[] = ['FAILED', 'ERROR', 'SKIPPED', 'NOT_APPLICABLE', 'PASSED'];

const fit = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** For people, 100 columns: failures first, each with its reason; a summary line at the end. */
export const tableAssessmentFormat: AssessmentFormat = {
  name: 'table',
  render: (r) => {
    const out: string[] = [
      fit(
        `${r.benchmark.title} — level ${r.level} ${r.profile} — ${r.target.description} (${r.target.mode})`,
        WIDTH,
      ),
      '',
      `${'STATUS'.padEnd(15)}${'SECTION'.padEnd(11)}TITLE`,
    ];
    const sorted = [...r.results].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status));
    for (const c of sorted) {
      out.push(`${c.status.padEnd(15)}${(c.cisSection ?? '-').padEnd(11)}${fit(c.title, WIDTH - 26)}`);
      if (c.status !== 'PASSED') out.push(`${' '.repeat(26)}${fit(c.statusReason, WIDTH - 26)}`);
    }
    const counts = ORDER.map((s) => `${r.summary.counts[s]} ${s.toLowerCase().replace('_', ' ')}`).join(', ');
    out.push('', `${r.summary.total} checks: ${counts}`);
    return `${out.join('\n')}\n`;
  },
};
