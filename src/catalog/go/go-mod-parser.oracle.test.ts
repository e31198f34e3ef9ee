import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures/shared-data.js';
import { parseGoMod } from './go-mod-parser.js';

interface ModJson {
  Require: { Path: string; Version: string }[] | null;
  Exclude: { Path: string; Version: string }[] | null;
  Replace: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[] | null;
}

/**
 * What the go command reads from a go.mod (`go mod edit -json`, golang-go), with vigil's documented
 * rule applied: requirements less excluded versions; a versioned replacement is listed instead of what
 * it replaces (a versioned `replace` line wins over an unversioned one); a directory keeps the requirement.
 */
function goModEdit(file: string): string[] {
  const mod = JSON.parse(execFileSync('go', ['mod', 'edit', '-json', file], { encoding: 'utf8' })) as ModJson;
  const excluded = new Set((mod.Exclude ?? []).map((e) => `${e.Path}@${e.Version}`));
  return (mod.Require ?? [])
    .filter((r) => !excluded.has(`${r.Path}@${r.Version}`))
    .map((r) => {
      const reps = (mod.Replace ?? []).filter((x) => x.Old.Path === r.Path);
      const rep = reps.find((x) => x.Old.Version === r.Version) ?? reps.find((x) => !x.Old.Version);
      return rep?.New.Version ? `${rep.New.Path}@${rep.New.Version}` : `${r.Path}@${r.Version}`;
    })
    .sort();
}

// testdata/go.mod has a `toolchain` line, which bookworm's go 1.19 does not know; go-mod-parser.test.ts covers it.
const FILES = [
  join(import.meta.dirname, 'testdata/exclude/go.mod'),
  join(import.meta.dirname, 'testdata/gomod/app/go.mod'),
  sharedData('peer-syft/cases/gomod-many-packages/root/src/app/go.mod'),
  sharedData('peer-syft/cases/gomod-relative-replace/root/src/app/go.mod'),
];

describe('go.mod against `go mod edit -json`', () => {
  it.each(FILES)('%s', (file) => {
    const { packages, problems } = parseGoMod(readFileSync(file, 'utf8'));
    expect(problems).toEqual([]);
    expect(packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(goModEdit(file));
  });

  it('the exclude fixture really excludes (the oracle is not vacuous)', () => {
    const got = goModEdit(FILES[0] as string);
    expect(got).not.toContain('github.com/a/dropped@v0.3.0');
    expect(got).toContain('github.com/a/kept@v1.2.0');
  });

  it('a version the go command rejects is a problem, not a package', () => {
    const r = parseGoMod('module m\n\nrequire example.com/x v1.2\nrequire example.com/y v1.0.0\n');
    expect(r.packages.map((p) => p.name)).toEqual(['example.com/y']);
    expect(r.problems).toEqual(['require example.com/x: invalid module version v1.2']);
  });
});
