import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { lowestVersion } from './csproj-parser.js';
import { csprojCataloger, packagesConfigCataloger } from './msbuild-catalogers.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

describe('.csproj PackageReference with Directory.Packages.props, and packages.config', () => {
  it('versions from the item, VersionOverride, central PackageVersion and properties; floating ones are unknowns', async () => {
    const r = await runCatalogers(new DirectoryResolver(join(TESTDATA, 'central')), [csprojCataloger]);
    expect(r.packages.map((p) => [p.filePath, `${p.name}@${p.version}`, p.metadata?.['dev'] ?? '-'])).toEqual(
      [
        ['/src/Tests/Tests.fsproj', 'xunit@2.4.2', '-'],
        ['/src/Tests/Tests.fsproj', 'FsCheck@2.16.6', '-'],
        ['/src/Web/Web.csproj', 'Newtonsoft.Json@12.0.3', '-'],
        ['/src/Web/Web.csproj', 'Serilog@2.10.0', '-'],
        ['/src/Web/Web.csproj', 'Dapper@2.0.123', '-'],
        ['/src/Web/Web.csproj', 'System.Text.Encodings.Web@4.5.0', '-'],
        ['/src/Web/Web.csproj', 'Polly@7.2.3', '-'],
        ['/src/Web/Web.csproj', 'StyleCop.Analyzers@1.1.118', 'true'],
      ],
    );
    expect(r.unknowns.map((u) => [u.path, u.reason, u.detail])).toEqual([
      ['/src/Web/Web.csproj', 'unsupported', 'Humanizer: version 2.* is resolved only by a restore'],
    ]);
  });

  it('NuGet restores the lowest version a range allows', () => {
    expect(['1.2.3', '[1.2.3]', '[1.2.3, 2.0)', '(1.0,2.0)', '1.*', '$(X)'].map(lowestVersion)).toEqual([
      '1.2.3',
      '1.2.3',
      '1.2.3',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('packages.config: exact versions, developmentDependency is dev', async () => {
    const r = await runCatalogers(new DirectoryResolver(join(TESTDATA, 'classic')), [
      packagesConfigCataloger,
    ]);
    expect(r.unknowns).toEqual([]);
    expect(r.packages.map((p) => [p.purl, p.metadata?.['dev'] ?? '-'])).toEqual([
      ['pkg:nuget/Newtonsoft.Json@12.0.1', '-'],
      ['pkg:nuget/log4net@2.0.8', '-'],
      ['pkg:nuget/Microsoft.CodeAnalysis.FxCopAnalyzers@3.3.2', 'true'],
    ]);
  });
});
