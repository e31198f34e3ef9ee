import type { CheckDefinition } from '../../model/check-model.js';
import { all, check, field, kv, L2, lines, loginDefs, records } from '../check-builders.js';

/** CIS Debian 12 §5.4: password aging, root and system accounts, the default umask and shell timeout. */

/** Accounts that can log in with a password: a hash in the shadow password field. */
const withPassword = { password: field('match', '^\\$') } as const;
/** umask 027 or stricter: group may not write, others get nothing. */
const STRICT_UMASK = '^0?[0-7][2367]7$';

export const SECTION_5_ACCOUNTS: readonly CheckDefinition[] = [
  check(
    {
      id: 'cis-d12-5.4.1.1',
      section: '5.4.1.1',
      ssg: 'accounts_maximum_age_login_defs',
      title: 'New passwords expire within 365 days (PASS_MAX_DAYS)',
      remediation: 'Set "PASS_MAX_DAYS 365" (or less) in /etc/login.defs.',
    },
    all(loginDefs('PASS_MAX_DAYS', 'le', 365), loginDefs('PASS_MAX_DAYS', 'ge', 1)),
  ),
  check(
    {
      id: 'cis-d12-5.4.1.1-existing',
      section: '5.4.1.1',
      ssg: 'accounts_password_set_max_life_existing',
      title: 'Existing passwords expire within 365 days',
      remediation: 'chage --maxdays 365 USER for every account with a password.',
    },
    records('shadow', { where: withPassword, every: { maxDays: field('le', 365) } }),
  ),
  check(
    {
      id: 'cis-d12-5.4.1.2',
      section: '5.4.1.2',
      ssg: 'accounts_minimum_age_login_defs',
      levels: L2,
      title: 'Passwords cannot be changed again for a day (PASS_MIN_DAYS ≥ 1)',
      remediation: 'Set "PASS_MIN_DAYS 1" (or more) in /etc/login.defs.',
    },
    loginDefs('PASS_MIN_DAYS', 'ge', 1),
  ),
  check(
    {
      id: 'cis-d12-5.4.1.2-existing',
      section: '5.4.1.2',
      ssg: 'accounts_password_set_min_life_existing',
      levels: L2,
      title: 'Existing passwords cannot be changed again for a day',
      remediation: 'chage --mindays 1 USER for every account with a password.',
    },
    records('shadow', { where: withPassword, every: { minDays: field('ge', 1) } }),
  ),
  check(
    {
      id: 'cis-d12-5.4.1.3',
      section: '5.4.1.3',
      ssg: 'accounts_password_warn_age_login_defs',
      title: 'Users are warned 7 days before a password expires (PASS_WARN_AGE)',
      remediation: 'Set "PASS_WARN_AGE 7" (or more) in /etc/login.defs.',
    },
    loginDefs('PASS_WARN_AGE', 'ge', 7),
  ),
  check(
    {
      id: 'cis-d12-5.4.1.4',
      section: '5.4.1.4',
      ssg: 'set_password_hashing_algorithm_logindefs',
      title: 'Tools store passwords with yescrypt or SHA-512 (ENCRYPT_METHOD)',
      remediation: 'Set "ENCRYPT_METHOD YESCRYPT" (or SHA512) in /etc/login.defs.',
    },
    loginDefs('ENCRYPT_METHOD', 'in', ['YESCRYPT', 'SHA512']),
  ),
  check(
    {
      id: 'cis-d12-5.4.1.5',
      section: '5.4.1.5',
      ssg: 'account_disable_post_pw_expiration',
      title: 'New accounts lock 45 days after their password expires (useradd INACTIVE)',
      remediation: 'useradd -D -f 45 (sets INACTIVE=45 in /etc/default/useradd).',
    },
    all(kv('useradd', 'INACTIVE', 'le', 45), kv('useradd', 'INACTIVE', 'ge', 0)),
  ),
  check(
    {
      id: 'cis-d12-5.4.1.5-existing',
      section: '5.4.1.5',
      ssg: 'accounts_set_post_pw_existing',
      title: 'Existing accounts lock within 45 days of password expiry',
      remediation: 'chage --inactive 45 USER for every account with a password.',
    },
    records('shadow', { where: withPassword, every: { inactiveDays: field('le', 45) } }),
  ),
  check(
    {
      id: 'cis-d12-5.4.2.1',
      section: '5.4.2.1',
      ssg: 'accounts_no_uid_except_zero',
      title: 'Only root has user id 0',
      remediation: 'Give every other account with uid 0 its own uid (usermod -u) or remove it.',
    },
    records('passwd', { where: { uid: field('eq', '0') }, every: { name: field('eq', 'root') } }),
  ),
  check(
    {
      id: 'cis-d12-5.4.2.2',
      section: '5.4.2.2',
      ssg: 'accounts_root_gid_zero',
      title: "root's primary group id is 0",
      remediation: 'usermod -g 0 root',
    },
    records('passwd', { where: { name: field('eq', 'root') }, every: { gid: field('eq', '0') } }),
  ),
  check(
    {
      id: 'cis-d12-5.4.2.3',
      section: '5.4.2.3',
      ssg: 'groups_no_zero_gid_except_root',
      title: 'Only the root group has group id 0',
      remediation: 'Give every other group with gid 0 its own gid (groupmod -g) or remove it.',
    },
    records('group', { where: { gid: field('eq', '0') }, every: { name: field('eq', 'root') } }),
  ),
  check(
    {
      id: 'cis-d12-5.4.2.4',
      section: '5.4.2.4',
      ssg: 'ensure_root_access_controlled',
      title: 'root has a password or is locked',
      remediation: 'Set a root password (passwd root) or lock the account (usermod -L root).',
    },
    records('shadow', {
      where: { name: field('eq', 'root') },
      every: { password: field('match', '^(\\$|!|\\*)') },
    }),
  ),
  check(
    {
      id: 'cis-d12-5.4.2.6',
      section: '5.4.2.6',
      ssg: 'accounts_umask_root',
      title: "root's shell files set no umask looser than 027",
      remediation:
        'Set "umask 027" (or stricter) wherever root\'s .bashrc, .bash_profile or .profile sets a umask.',
    },
    lines('lines:root-shell', { every: '^umask 0?[0-7][2367]7( |;|$)', where: '^umask ', ifMissing: 'pass' }),
  ),
  check(
    {
      id: 'cis-d12-5.4.2.7',
      section: '5.4.2.7',
      ssg: 'no_shelllogin_for_systemaccounts',
      title: 'System accounts have no login shell',
      remediation: 'usermod -s /usr/sbin/nologin ACCOUNT for every system account (uid below 1000) but root.',
    },
    records('passwd', {
      where: {
        uid: field('lt', 1000),
        name: field('notIn', ['root', 'sync', 'shutdown', 'halt']),
        interactive: field('eq', 'yes'),
      },
      none: true,
    }),
  ),
  check(
    {
      id: 'cis-d12-5.4.2.8',
      section: '5.4.2.8',
      ssg: 'no_invalid_shell_accounts_unlocked',
      title: 'Accounts without a login shell are locked',
      remediation: 'usermod -L ACCOUNT for every non-root account whose shell is nologin or false.',
    },
    records('shadow', {
      where: { name: field('ne', 'root'), interactive: field('eq', 'no'), locked: field('eq', 'no') },
      none: true,
    }),
  ),
  check(
    {
      id: 'cis-d12-5.4.3.1',
      section: '5.4.3.1',
      ssg: 'no_nologin_in_shells',
      levels: L2,
      title: 'nologin is not listed as a valid shell',
      remediation: 'Remove /usr/sbin/nologin and /sbin/nologin lines from /etc/shells.',
    },
    lines('file:/etc/shells', { none: '/nologin$' }),
  ),
  check(
    {
      id: 'cis-d12-5.4.3.2',
      section: '5.4.3.2',
      ssg: 'accounts_tmout',
      title: 'Idle shells end after at most 15 minutes (TMOUT, read-only, exported)',
      remediation:
        'Add "typeset -xr TMOUT=900" (or "TMOUT=900; readonly TMOUT; export TMOUT") to a file in /etc/profile.d/.',
    },
    all(
      lines('lines:profile', { some: '(^|[ ;])TMOUT=([1-9]\\d?|[1-8]\\d\\d|900)( |;|$)' }),
      lines('lines:profile', {
        every: '(^|[ ;])TMOUT=([1-9]\\d?|[1-8]\\d\\d|900)( |;|$)',
        where: '(^|[ ;])TMOUT=',
      }),
      lines('lines:profile', {
        some: '(^|[ ;])(readonly|(typeset|declare) -[a-z]*r[a-z]*)( [A-Za-z_]+)* TMOUT',
      }),
    ),
  ),
  check(
    {
      id: 'cis-d12-5.4.3.3-login-defs',
      section: '5.4.3.3',
      ssg: 'accounts_umask_etc_login_defs',
      title: 'The login.defs UMASK is 027 or stricter',
      remediation: 'Set "UMASK 027" in /etc/login.defs.',
    },
    loginDefs('UMASK', 'match', STRICT_UMASK),
  ),
  check(
    {
      id: 'cis-d12-5.4.3.3-profile',
      section: '5.4.3.3',
      ssg: 'accounts_umask_etc_profile',
      title: 'Login shells set a umask of 027 or stricter',
      remediation: 'Set "umask 027" in /etc/profile or a file in /etc/profile.d/, and nowhere a looser one.',
    },
    lines('lines:profile', { every: '(^|[ ;])umask 0?[0-7][2367]7( |;|$)', where: '(^|[ ;])umask [0-7]' }),
  ),
  check(
    {
      id: 'cis-d12-5.4.3.3-bashrc',
      section: '5.4.3.3',
      ssg: 'accounts_umask_etc_bashrc',
      title: 'Interactive bash sets a umask of 027 or stricter',
      remediation: 'Set "umask 027" in /etc/bash.bashrc, and nowhere a looser one.',
    },
    lines('lines:bashrc', { every: '(^|[ ;])umask 0?[0-7][2367]7( |;|$)', where: '(^|[ ;])umask [0-7]' }),
  ),
];
