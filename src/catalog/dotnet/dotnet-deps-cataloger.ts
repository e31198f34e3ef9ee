import type { Cataloger, ParseResult } from '../cataloger.js';
import { parseDepsJson } from './dotnet-parser.js';

const MAX_DEPS_JSON = 32 * 1024 * 1024;

/** NuGet packages of a deployed .NET app, from the `*.deps.json` the host loads. */
export const dotnetDepsCataloger: Cataloger = {
  name: 'dotnet-deps',
  version: 1,
  ecosystem: 'nuget',
  tags: ['language', 'installed'],
  globs: ['**/*.deps.json'],
  async parse(file): Promise<ParseResult> {
    return { packages: parseDepsJson((await file.read({ maxBytes: MAX_DEPS_JSON })).toString('utf8')) };
  },
};
