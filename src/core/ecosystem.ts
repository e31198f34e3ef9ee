/**
 * Package ecosystems, named by their purl type so one vocabulary serves inventory, purls and matching.
 * OS ecosystems are matched only through their distribution's data (DESIGN §4).
 */
export const OS_ECOSYSTEMS = ['deb', 'rpm', 'apk'] as const;
export const LANGUAGE_ECOSYSTEMS = [
  'npm',
  'pypi',
  'maven',
  'golang',
  'cargo',
  'gem',
  'composer',
  'nuget',
  'pub',
  'hex',
  'swift',
  'cocoapods',
  'conan',
] as const;

export type OsEcosystem = (typeof OS_ECOSYSTEMS)[number];
export type LanguageEcosystem = (typeof LANGUAGE_ECOSYSTEMS)[number];
export type Ecosystem = OsEcosystem | LanguageEcosystem;

export function isOsEcosystem(e: Ecosystem): e is OsEcosystem {
  return (OS_ECOSYSTEMS as readonly string[]).includes(e);
}
