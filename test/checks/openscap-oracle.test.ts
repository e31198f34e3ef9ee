import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assessRoot } from '../../src/checks/assess-root.js';
import type { CheckLevel } from '../../src/checks/model/check-model.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import {
  agreementMarkdown,
  compare,
  loadOracleDoc,
  staleDisagreements,
  type Comparison,
} from './fixtures/oracle-compare.js';
import { oscapState, STATES } from './fixtures/oscap-rootfs.js';
import { runOscap } from './fixtures/oscap-run.js';
import { ssgDataStream, SSG_VERSION } from './fixtures/ssg-content.js';

/**
 * The proof of the CIS checks: copies of a debootstrapped bookworm rootfs in three states, each judged
 * by OpenSCAP (the oracle, running inside the rootfs) and by vigil. Every vigil check mapped to an SSG
 * rule the profile selects must agree, or its difference must be explained in openscap-disagreements.yaml.
 */

const PROFILES: { name: string; id: string; level: CheckLevel }[] = [
  { name: 'level 1 server', id: 'xccdf_org.ssgproject.content_profile_cis_level1_server', level: 1 },
  { name: 'level 2 server', id: 'xccdf_org.ssgproject.content_profile_cis_level2_server', level: 2 },
];
const DOC = loadOracleDoc(join(import.meta.dirname, 'openscap-disagreements.yaml'));
const OUT = join(import.meta.dirname, '..', '..', 'tmp', 'checks');

const comparisons: Comparison[] = [];
const roots = new Map<string, string>();
let dataStream = '';

beforeAll(async () => {
  dataStream = await ssgDataStream();
  for (const state of STATES) roots.set(state.name, await oscapState(state));
}, 45 * 60_000);

describe(`CIS Debian 12 against OpenSCAP (ssg-debian ${SSG_VERSION})`, () => {
  for (const profile of PROFILES) {
    for (const state of STATES) {
      it(`${profile.name}, rootfs ${state.name}: every mapped rule agrees or is explained`, async () => {
        const root = roots.get(state.name) as string;
        const oscap = await runOscap(root, dataStream, profile.id);
        const { result } = await assessRoot(new DirectoryResolver(root), {
          benchmark: 'cis-debian12',
          level: profile.level,
          profile: 'server',
        });
        // Every SSG rule id vigil names exists in this SSG release (a typo would silently never compare).
        expect(
          result.results.filter((r) => r.ssgRuleId && !oscap.rules.has(r.ssgRuleId)).map((r) => r.ssgRuleId),
        ).toEqual([]);
        const cs = compare(state.name, profile.name, result.results, oscap, DOC);
        comparisons.push(...cs);
        const agree = cs.filter((c) => c.agree).length;
        const documented = cs.filter((c) => !c.agree && c.documented);
        const undocumented = cs.filter((c) => !c.agree && !c.documented);
        console.log(
          `${profile.name} / ${state.name}: ${cs.length} mapped checks (${new Set(cs.map((c) => c.rule)).size} SSG rules), ` +
            `${agree} agree, ${documented.length} documented differences, ${undocumented.length} undocumented`,
        );
        for (const c of undocumented) {
          console.log(
            `  UNDOCUMENTED ${c.rule} (${c.checkId}): vigil ${c.vigil}, oscap ${c.oscap} [${c.comparedWith}] — ${c.vigilReason}`,
          );
        }
        expect(cs.length).toBeGreaterThan(profile.level === 1 ? 150 : 170);
        // Both verdicts occur: the states are not all-pass or all-fail, so agreement means something.
        expect(cs.some((c) => c.agree && c.vigil === 'PASSED')).toBe(true);
        expect(cs.some((c) => c.agree && c.vigil === 'FAILED')).toBe(true);
        expect(undocumented.map((c) => `${c.rule}: vigil ${c.vigil}, oscap ${c.oscap}`)).toEqual([]);
      });
    }
  }

  it('every documented disagreement still happens, and the agreement table is written', () => {
    const states = STATES.map((s) => s.name);
    const table = agreementMarkdown(
      comparisons,
      states,
      PROFILES.map((p) => p.name),
    );
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'openscap-agreement.md'), table);
    writeFileSync(join(OUT, 'openscap-comparisons.json'), JSON.stringify(comparisons, null, 1));
    console.log(`\n${table}`);
    expect(staleDisagreements(DOC, comparisons)).toEqual([]);
  });
});
