import type { Package } from '../core/package.js';
import { languagePackageMatcher } from './language-package-matcher.js';
import type { Matcher } from './match-types.js';
import { osPackageMatcher } from './os-package-matcher.js';

/**
 * Every matcher vigil runs, listed explicitly. Claims are disjoint: OS packages go to the distro
 * matcher, language packages not owned by an OS package to the language matcher, and OS-managed
 * language packages to none (their owning OS package is matched instead).
 */
export const MATCHERS: readonly Matcher[] = [osPackageMatcher, languagePackageMatcher];

export function matcherFor(pkg: Package, matchers: readonly Matcher[] = MATCHERS): Matcher | undefined {
  return matchers.find((m) => m.claims(pkg));
}
