import { defineCataloger } from '../define-cataloger.js';
import { parseDepsJson } from './dotnet-parser.js';

/** NuGet packages of a deployed .NET app, from the `*.deps.json` the host loads. */
export const dotnetDepsCataloger = defineCataloger({
  name: 'dotnet-deps',
  ecosystem: 'nuget',
  tags: ['language', 'installed'],
  globs: ['**/*.deps.json'],
  maxBytes: 32 * 1024 * 1024,
  parseText: (text) => parseDepsJson(text),
});
