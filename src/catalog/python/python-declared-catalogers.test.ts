import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Package } from '../../core/package.js';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import {
  pipfileLockCataloger,
  pipRequirementsCataloger,
  poetryLockCataloger,
} from './python-declared-catalogers.js';
import { parseRequirements } from './requirements-parser.js';

const run = promisify(execFile);
const TESTDATA = join(import.meta.dirname, 'testdata');

/** pip's own requirements-file parser (Debian's python3-pip), then packaging's PEP 508 parser: the pins. */
const PIP_PINS = `
import json, sys
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
from packaging.requirements import Requirement, InvalidRequirement
from packaging.utils import canonicalize_name
out = set()
for r in parse_requirements(sys.argv[1], session=PipSession()):
    if r.is_editable or r.constraint:
        continue
    try:
        req = Requirement(r.requirement)
    except InvalidRequirement:
        continue
    specs = list(req.specifier)
    if req.url or len(specs) != 1 or specs[0].operator not in ('==', '===') or '*' in specs[0].version:
        continue
    out.add(f"{canonicalize_name(req.name)}@{specs[0].version}")
print(json.dumps(sorted(out)))
`;

const ids = (pkgs: Package[]): string[] => pkgs.map((p) => `${p.name}@${p.version}`).sort();
const dev = (pkgs: Package[]): string[] => ids(pkgs.filter((p) => p.metadata?.['dev'] === 'true'));

describe('pip-requirements', () => {
  it('finds exactly the pins pip parses (following its -r include, which is a requirements file too)', async () => {
    const dir = join(TESTDATA, 'requirements');
    const { stdout } = await run('/usr/bin/python3', ['-c', PIP_PINS, join(dir, 'requirements.txt')]);
    const result = await runCatalogers(new DirectoryResolver(dir), [pipRequirementsCataloger]);
    expect(ids(result.packages)).toEqual(JSON.parse(stdout));
    expect(ids(result.packages)).toHaveLength(10);
    expect(result.packages.every((p) => p.scope === 'declared')).toBe(true);
  });

  it('skips ranges, wildcards, URLs, paths, editables and options', () => {
    const text = [
      'a>=1',
      'b==1.*',
      'c==1.0,<2',
      '-e .',
      'd @ https://x/d-1.0.tar.gz',
      './e-1.0.whl',
      '--hash=sha256:00',
      'f===1.0+local',
      'g == 2.0 \\',
      '  --hash=sha256:11',
    ].join('\n');
    expect(ids(parseRequirements(text) as Package[])).toEqual(['f@1.0+local', 'g@2.0']);
  });
});

describe('poetry-lock', () => {
  it('lock format 2.1: groups without main are dev; git sources kept', async () => {
    const result = await runCatalogers(new DirectoryResolver(join(TESTDATA, 'poetry-2.1')), [
      poetryLockCataloger,
    ]);
    expect(ids(result.packages)).toEqual([
      'anyio@4.2.0',
      'idna@3.6',
      'iniconfig@2.0.0',
      'mylib@0.3.0',
      'pyyaml@6.0.1',
      'ruamel-yaml-clib@0.2.8',
      'sniffio@1.3.0',
    ]);
    expect(dev(result.packages)).toEqual(['iniconfig@2.0.0']);
    expect(result.packages.find((p) => p.name === 'mylib')?.metadata?.['sourceType']).toBe('git');
  });

  it('lock format 1.1: category dev', async () => {
    const result = await runCatalogers(new DirectoryResolver(join(TESTDATA, 'poetry-1.1')), [
      poetryLockCataloger,
    ]);
    expect(ids(result.packages)).toEqual([
      'attrs@21.4.0',
      'certifi@2021.10.8',
      'flask@2.0.3',
      'pytest@7.0.1',
    ]);
    expect(dev(result.packages)).toEqual(['attrs@21.4.0', 'pytest@7.0.1']);
  });
});

describe('pipfile-lock', () => {
  it('default and develop; git and editable entries have no release; default wins', async () => {
    const result = await runCatalogers(new DirectoryResolver(join(TESTDATA, 'pipenv')), [
      pipfileLockCataloger,
    ]);
    expect(ids(result.packages)).toEqual([
      'certifi@2023.11.17',
      'charset-normalizer@3.3.2',
      'iniconfig@2.0.0',
      'pytest@7.4.3',
      'requests@2.31.0',
      'typing-extensions@4.8.0',
    ]);
    expect(dev(result.packages)).toEqual(['iniconfig@2.0.0', 'pytest@7.4.3']);
  });
});
