import { Version } from '@renovatebot/ruby-semver/dist/ruby/version.js';
import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

function mustParse(version: string): Version {
  // Gem::Version.correct? accepts an empty string (as "0"); an empty version is never real data.
  if (version.trim() === '' || !Version.isCorrect(version)) throw new VersionInvalidError('gem', version);
  return new Version(version);
}

/** RubyGems' Gem::Version ordering through `@renovatebot/ruby-semver` (a port of Gem::Version). */
export function compareGemVersions(a: string, b: string): number {
  return Math.sign(mustParse(a).compare(mustParse(b)));
}

export const gemVersionScheme: VersionScheme = {
  name: 'gem',
  isValid: (version) => version.trim() !== '' && Version.isCorrect(version),
  compare: compareGemVersions,
};
