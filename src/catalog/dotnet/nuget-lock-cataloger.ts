import { defineCataloger } from '../define-cataloger.js';
import { parseNugetLock } from './dotnet-parser.js';

/** Declared NuGet packages from `packages.lock.json` (restore with lock files enabled). */
export const nugetLockCataloger = defineCataloger({
  name: 'nuget-lock',
  ecosystem: 'nuget',
  tags: ['language', 'declared'],
  globs: ['**/packages.lock.json'],
  maxBytes: 32 * 1024 * 1024,
  parseText: (text) => parseNugetLock(text),
});
