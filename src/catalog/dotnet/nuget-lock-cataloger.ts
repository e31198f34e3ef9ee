import type { Cataloger, ParseResult } from '../cataloger.js';
import { parseNugetLock } from './dotnet-parser.js';

const MAX_LOCK = 32 * 1024 * 1024;

/** Declared NuGet packages from `packages.lock.json` (restore with lock files enabled). */
export const nugetLockCataloger: Cataloger = {
  name: 'nuget-lock',
  version: 1,
  ecosystem: 'nuget',
  tags: ['language', 'declared'],
  globs: ['**/packages.lock.json'],
  async parse(file): Promise<ParseResult> {
    return { packages: parseNugetLock((await file.read({ maxBytes: MAX_LOCK })).toString('utf8')) };
  },
};
