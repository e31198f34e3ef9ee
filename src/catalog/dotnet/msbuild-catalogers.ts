import { posix } from 'node:path';
import type { CatalogerFile } from '../cataloger.js';
import { defineCataloger } from '../define-cataloger.js';

/**
 * Declared NuGet packages of an SDK-style project: `PackageReference` items, with central package
 * management read from the nearest `Directory.Packages.props` above the project (as MSBuild finds it).
 * The XML parsers load on first use.
 */
export const csprojCataloger = defineCataloger({
  name: 'dotnet-project',
  ecosystem: 'nuget',
  tags: ['language', 'declared'],
  globs: ['**/*.csproj', '**/*.fsproj', '**/*.vbproj'],
  maxBytes: 8 * 1024 * 1024,
  async parseText(text, file) {
    const central = await centralVersions(file);
    const { parseCsproj } = await import('./csproj-parser.js');
    const { packages, problems } = parseCsproj(text, file.path, central);
    return {
      packages,
      unknowns: problems.map((detail) => ({ path: file.path, reason: 'unsupported', detail })),
    };
  },
});

async function centralVersions(file: CatalogerFile): Promise<Map<string, string>> {
  for (let dir = posix.dirname(file.path); ; dir = posix.dirname(dir)) {
    const props = posix.join(dir, 'Directory.Packages.props');
    const bytes = await file.readSibling(props);
    if (bytes) {
      const { parseCentralVersions } = await import('./csproj-parser.js');
      return parseCentralVersions(bytes.toString('utf8').replace(/^\uFEFF/, ''), props);
    }
    if (dir === '/') return new Map();
  }
}

/** Installed NuGet packages of a classic .NET Framework project: `packages.config`. */
export const packagesConfigCataloger = defineCataloger({
  name: 'nuget-packages-config',
  ecosystem: 'nuget',
  tags: ['language', 'declared'],
  globs: ['**/packages.config'],
  maxBytes: 8 * 1024 * 1024,
  parseText: async (text, file) =>
    (await import('./packages-config-parser.js')).parsePackagesConfig(text, file.path),
});
