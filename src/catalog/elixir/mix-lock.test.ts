import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { readTerm, TermSyntaxError } from './elixir-term-reader.js';
import { mixLockCataloger } from './mix-lock-cataloger.js';

describe('mix.lock (a fixture of the format mix writes)', () => {
  it('Hex packages by their Hex name (a renamed dependency too); a git dependency is an unknown', async () => {
    const r = await runCatalogers(new DirectoryResolver(join(import.meta.dirname, 'testdata')), [
      mixLockCataloger,
    ]);
    expect(r.packages.map((p) => [p.purl, p.metadata?.['key']])).toEqual([
      ['pkg:hex/castore@1.0.5', 'castore'],
      ['pkg:hex/jason@1.4.1', 'jason'],
      ['pkg:hex/plug@1.14.0', 'plug'],
      ['pkg:hex/mime@2.0.5', 'my_mime'],
    ]);
    expect(r.unknowns.map((u) => [u.reason, u.detail])).toEqual([
      ['unsupported', 'phoenix_live_view: git dependency, no Hex version'],
    ]);
  });

  it('reads Elixir terms, and refuses what is not one', () => {
    expect(readTerm('%{"a" => [1, :b, c: "d"], "e": {:f, nil, true}}')).toEqual({
      map: [
        ['a', [1, { atom: 'b' }, ['c', 'd']]],
        ['e', { tuple: [{ atom: 'f' }, null, true] }],
      ],
    });
    expect(() => readTerm('%{"a": {:hex, ')).toThrow(TermSyntaxError);
    expect(() => readTerm('%{} x')).toThrow(TermSyntaxError);
  });
});
