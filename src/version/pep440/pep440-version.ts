import { compare, valid } from '@renovatebot/pep440';
import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

function isValidPep440(version: string): boolean {
  return valid(version) !== null;
}

/** PEP 440 (epochs, pre/post/dev releases, local versions) through `@renovatebot/pep440`. */
export function comparePep440Versions(a: string, b: string): number {
  for (const v of [a, b]) {
    if (!isValidPep440(v)) throw new VersionInvalidError('pep440', v);
  }
  return Math.sign(compare(a, b));
}

export const pep440VersionScheme: VersionScheme = {
  name: 'pep440',
  isValid: isValidPep440,
  compare: comparePep440Versions,
};
