import type { CheckDefinition } from '../../model/check-model.js';
import { all, any, check, installed, kv, L2 } from '../check-builders.js';
import { pamHas, pamLacks, pamRule } from './pam-patterns.js';
import { pwqualityChecks } from './section-5-pwquality.js';

/** CIS Debian 12 §5.3: the PAM packages and stacks: pam_unix, faillock, pwquality, pwhistory. */

export const SECTION_5_PAM: readonly CheckDefinition[] = [
  check(
    {
      id: 'cis-d12-5.3.1.1',
      section: '5.3.1.1',
      ssg: 'package_pam_runtime_installed',
      title: 'libpam-runtime is installed',
      remediation: 'apt install libpam-runtime',
    },
    installed('libpam-runtime'),
  ),
  check(
    {
      id: 'cis-d12-5.3.1.2',
      section: '5.3.1.2',
      ssg: 'package_pam_modules_installed',
      title: 'libpam-modules is installed',
      remediation: 'apt install libpam-modules',
    },
    installed('libpam-modules'),
  ),
  check(
    {
      id: 'cis-d12-5.3.1.3',
      section: '5.3.1.3',
      ssg: 'package_pam_pwquality_installed',
      title: 'libpam-pwquality is installed',
      remediation: 'apt install libpam-pwquality',
    },
    installed('libpam-pwquality'),
  ),
  check(
    {
      id: 'cis-d12-5.3.2.1',
      section: '5.3.2.1',
      ssg: 'accounts_password_pam_unix_enabled',
      title: 'pam_unix is in every common PAM stack',
      remediation: 'Enable the "Unix authentication" profile with pam-auth-update.',
    },
    all(
      pamHas('common-auth', pamRule('auth', 'pam_unix')),
      pamHas('common-account', pamRule('account', 'pam_unix')),
      pamHas('common-password', pamRule('password', 'pam_unix')),
      pamHas('common-session', pamRule('session', 'pam_unix')),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.3.2.2',
      section: '5.3.2.2',
      ssg: 'accounts_passwords_pam_faillock_enabled',
      title: 'pam_faillock locks accounts after failed logins',
      remediation:
        'Add pam-auth-update profiles for pam_faillock (preauth and authfail in auth, pam_faillock in account) and enable them.',
    },
    all(
      pamHas('common-auth', pamRule('auth', 'pam_faillock', 'preauth')),
      pamHas('common-auth', pamRule('auth', 'pam_faillock', 'authfail')),
      pamHas('common-account', pamRule('account', 'pam_faillock')),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.3.2.3',
      section: '5.3.2.3',
      ssg: 'accounts_password_pam_pwquality_enabled',
      title: 'pam_pwquality checks new passwords',
      remediation: 'Install libpam-pwquality and enable its profile with pam-auth-update.',
    },
    pamHas('common-password', pamRule('password', 'pam_pwquality')),
  ),
  check(
    {
      id: 'cis-d12-5.3.2.4',
      section: '5.3.2.4',
      ssg: 'accounts_password_pam_pwhistory_enabled',
      title: 'pam_pwhistory remembers old passwords',
      remediation: 'Add a pam-auth-update profile for pam_pwhistory in the password stack and enable it.',
    },
    pamHas('common-password', pamRule('password', 'pam_pwhistory')),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.1.1',
      section: '5.3.3.1.1',
      ssg: 'accounts_passwords_pam_faillock_deny',
      title: 'faillock locks after at most 5 failures',
      remediation: 'Set "deny = 5" (or less, not 0) in /etc/security/faillock.conf.',
    },
    all(
      kv('faillock', 'deny', 'le', 5),
      kv('faillock', 'deny', 'ge', 1),
      pamLacks('common-auth', pamRule('auth', 'pam_faillock', 'deny=([6-9]|\\d{2,}|0)( |$)')),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.1.2',
      section: '5.3.3.1.2',
      ssg: 'accounts_passwords_pam_faillock_unlock_time',
      title: 'faillock keeps an account locked for 15 minutes or until unlocked',
      remediation: 'Set "unlock_time = 900" (or more, or 0 for never) in /etc/security/faillock.conf.',
    },
    any(kv('faillock', 'unlock_time', 'eq', '0'), kv('faillock', 'unlock_time', 'ge', 900)),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.1.3',
      section: '5.3.3.1.3',
      ssg: 'accounts_passwords_pam_faillock_root_unlock_time',
      levels: L2,
      title: 'faillock also locks root, for at least a minute',
      remediation:
        'Set "even_deny_root" and "root_unlock_time = 60" (or more) in /etc/security/faillock.conf.',
    },
    all(kv('faillock', 'even_deny_root', 'eq', ''), kv('faillock', 'root_unlock_time', 'ge', 60)),
  ),
  ...pwqualityChecks(),
  check(
    {
      id: 'cis-d12-5.3.3.3.1',
      section: '5.3.3.3.1',
      ssg: 'accounts_password_pam_pwhistory_remember',
      title: 'The last 24 passwords cannot be reused',
      remediation:
        'Add "remember=24" to the pam_pwhistory line (or "remember = 24" to /etc/security/pwhistory.conf).',
    },
    any(
      pamHas(
        'common-password',
        pamRule('password', 'pam_pwhistory', 'remember=(2[4-9]|[3-9]\\d|\\d{3,})( |$)'),
      ),
      kv('pwhistory', 'remember', 'ge', 24),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.3.2',
      section: '5.3.3.3.2',
      ssg: 'accounts_password_pam_pwhistory_enforce_root',
      title: 'Password history applies to root',
      remediation: 'Add "enforce_for_root" to the pam_pwhistory line.',
    },
    any(
      pamHas('common-password', pamRule('password', 'pam_pwhistory', 'enforce_for_root')),
      kv('pwhistory', 'enforce_for_root', 'eq', ''),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.3.3',
      section: '5.3.3.3.3',
      ssg: 'accounts_password_pam_pwhistory_use_authtok',
      title: 'pam_pwhistory uses the password already checked (use_authtok)',
      remediation: 'Add "use_authtok" to the pam_pwhistory line.',
    },
    pamHas('common-password', pamRule('password', 'pam_pwhistory', 'use_authtok')),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.4.1',
      section: '5.3.3.4.1',
      ssg: 'no_empty_passwords_unix',
      title: 'pam_unix does not accept empty passwords (no nullok)',
      remediation:
        'Remove "nullok" from the pam_unix lines (pam-auth-update profile for Unix authentication).',
    },
    all(
      ...['common-auth', 'common-account', 'common-password', 'common-session'].map((s) =>
        pamLacks(s, `${pamRule('\\S+', 'pam_unix', 'nullok')}`),
      ),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.4.2',
      section: '5.3.3.4.2',
      ssg: 'accounts_password_pam_unix_no_remember',
      title: 'pam_unix does not keep password history (pam_pwhistory does)',
      remediation: 'Remove "remember=" from the pam_unix lines.',
    },
    all(
      ...['common-auth', 'common-account', 'common-password', 'common-session'].map((s) =>
        pamLacks(s, pamRule('\\S+', 'pam_unix', 'remember=\\d+')),
      ),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.4.3',
      section: '5.3.3.4.3',
      ssg: 'set_password_hashing_algorithm_systemauth',
      title: 'pam_unix stores passwords with yescrypt or SHA-512',
      remediation: 'Put "yescrypt" (or "sha512") on the pam_unix password line.',
    },
    pamHas('common-password', pamRule('password', 'pam_unix', '(yescrypt|sha512)')),
  ),
  check(
    {
      id: 'cis-d12-5.3.3.4.4',
      section: '5.3.3.4.4',
      ssg: 'accounts_password_pam_unix_authtok',
      title: 'pam_unix uses the password already checked (use_authtok)',
      remediation: 'Add "use_authtok" to the pam_unix password line when pwquality or pwhistory precede it.',
    },
    // use_authtok only means something when another module asked for the new password first.
    any(
      pamLacks('common-password', pamRule('password', 'pam_(pwquality|pwhistory|cracklib|passwdqc)')),
      pamHas('common-password', pamRule('password', 'pam_unix', 'use_authtok')),
    ),
  ),
];
