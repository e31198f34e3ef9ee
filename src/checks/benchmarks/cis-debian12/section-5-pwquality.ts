import type { CheckDefinition } from '../../model/check-model.js';
import { all, check, installed, kv } from '../check-builders.js';
import { pamLacks, pamRule, pwquality } from './pam-patterns.js';

/** CIS Debian 12 §5.3.3.2: password quality through pam_pwquality (pwquality.conf or module arguments). */

const pwqualityInstalled = installed('libpam-pwquality');

export function pwqualityChecks(): CheckDefinition[] {
  const meta = (section: string, ssg: string, title: string, remediation: string, suffix = '') => ({
    id: `cis-d12-${section}${suffix}`,
    section,
    ssg,
    title,
    remediation,
    applicable: pwqualityInstalled,
  });
  const credit = (letter: string, what: string) =>
    check(
      meta(
        '5.3.3.2.3',
        `accounts_password_pam_${letter}credit`,
        `New passwords need ${what}`,
        `Set "${letter}credit = -1" in /etc/security/pwquality.conf.`,
        `-${letter}credit`,
      ),
      pwquality(`${letter}credit`, '-[1-9]\\d*', kv('pwquality', `${letter}credit`, 'le', -1)),
    );
  return [
    check(
      meta(
        '5.3.3.2.1',
        'accounts_password_pam_difok',
        'New passwords differ from the old in at least 2 characters',
        'Set "difok = 2" (or more) in /etc/security/pwquality.conf.',
      ),
      pwquality('difok', '([2-9]|\\d{2,})', kv('pwquality', 'difok', 'ge', 2)),
    ),
    check(
      meta(
        '5.3.3.2.2',
        'accounts_password_pam_minlen',
        'New passwords are at least 14 characters',
        'Set "minlen = 14" (or more) in /etc/security/pwquality.conf.',
      ),
      pwquality('minlen', '(1[4-9]|[2-9]\\d|\\d{3,})', kv('pwquality', 'minlen', 'ge', 14)),
    ),
    check(
      meta(
        '5.3.3.2.3',
        'accounts_password_pam_minclass',
        'New passwords use all four character classes',
        'Set "minclass = 4" in /etc/security/pwquality.conf.',
        '-minclass',
      ),
      pwquality('minclass', '4', kv('pwquality', 'minclass', 'ge', 4)),
    ),
    credit('d', 'a digit'),
    credit('u', 'an uppercase letter'),
    credit('l', 'a lowercase letter'),
    credit('o', 'a special character'),
    check(
      meta(
        '5.3.3.2.4',
        'accounts_password_pam_maxrepeat',
        'New passwords repeat a character at most 3 times in a row',
        'Set "maxrepeat = 3" (or less, not 0) in /etc/security/pwquality.conf.',
      ),
      pwquality(
        'maxrepeat',
        '[1-3]',
        all(kv('pwquality', 'maxrepeat', 'le', 3), kv('pwquality', 'maxrepeat', 'ge', 1)),
      ),
    ),
    check(
      meta(
        '5.3.3.2.5',
        'accounts_password_pam_maxsequence',
        'New passwords hold sequences of at most 3 characters',
        'Set "maxsequence = 3" (or less, not 0) in /etc/security/pwquality.conf.',
      ),
      pwquality(
        'maxsequence',
        '[1-3]',
        all(kv('pwquality', 'maxsequence', 'le', 3), kv('pwquality', 'maxsequence', 'ge', 1)),
      ),
    ),
    check(
      meta(
        '5.3.3.2.6',
        'accounts_password_pam_dictcheck',
        'New passwords are checked against a dictionary',
        'Remove "dictcheck = 0" (or set it to 1) in /etc/security/pwquality.conf.',
      ),
      all(
        kv('pwquality', 'dictcheck', 'ne', '0', 'pass'),
        pamLacks('common-password', pamRule('password', 'pam_pwquality', 'dictcheck=0')),
      ),
    ),
    check(
      meta(
        '5.3.3.2.7',
        'accounts_password_pam_enforcing',
        'pwquality refuses weak passwords (not only warns)',
        'Remove "enforcing = 0" (or set it to 1) in /etc/security/pwquality.conf.',
      ),
      all(
        kv('pwquality', 'enforcing', 'ne', '0', 'pass'),
        pamLacks('common-password', pamRule('password', 'pam_pwquality', 'enforcing=0')),
      ),
    ),
    check(
      meta(
        '5.3.3.2.8',
        'accounts_password_pam_enforce_root',
        'pwquality rules apply to root too',
        'Add "enforce_for_root" to /etc/security/pwquality.conf.',
      ),
      pwquality('enforce_for_root', '', kv('pwquality', 'enforce_for_root', 'eq', '')),
    ),
  ];
}
