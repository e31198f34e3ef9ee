import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { purlFor } from '../purl-builder.js';
import { parseDepsJson, parseNugetLock } from './dotnet-parser.js';

const read = (f: string): string => readFileSync(join(import.meta.dirname, 'testdata', f), 'utf8');

describe('.deps.json', () => {
  it('packages only (projects and runtime packs left out), Name/Version split', () => {
    const pkgs = parseDepsJson(read('WebApp.deps.json'));
    expect(pkgs.map((p) => `${p.name}@${p.version}`)).toEqual([
      'Newtonsoft.Json@13.0.1',
      'Serilog@2.12.0',
      'Serilog.AspNetCore@6.1.0',
      'System.Text.Encodings.Web@4.7.2',
    ]);
    expect(pkgs[0]?.metadata?.['path']).toBe('newtonsoft.json/13.0.1');
    expect(purlFor(pkgs[0] ?? { name: '', version: '', ecosystem: 'nuget', scope: 'installed' })).toBe(
      'pkg:nuget/Newtonsoft.Json@13.0.1',
    );
  });
});

describe('packages.lock.json', () => {
  it('resolved versions per target; the same package on several targets is one entry', () => {
    const pkgs = parseNugetLock(read('packages.lock.json'));
    expect(
      pkgs.map((p) => [p.name, p.version, p.metadata?.['targets'], p.metadata?.['direct'] ?? '-']),
    ).toEqual([
      ['Newtonsoft.Json', '13.0.1', 'net6.0', 'true'],
      ['Serilog.AspNetCore', '6.1.0', 'net6.0', 'true'],
      ['Serilog', '2.12.0', 'net6.0,net8.0,net8.0/linux-x64', '-'],
      ['Newtonsoft.Json', '13.0.3', 'net8.0', 'true'],
    ]);
    expect(pkgs.every((p) => p.scope === 'declared')).toBe(true);
  });
});
