import type { CheckDefinition } from '../../model/check-model.js';
import { all, check, field, paths, records } from '../check-builders.js';

/** CIS Debian 12 §7: account database files, and the users and groups in them. */

/** [section, path, ssg suffix, max mode, groups allowed, exists always]. */
const FILES: [string, string, string, string, string[], boolean][] = [
  ['7.1.1', '/etc/passwd', 'etc_passwd', '0644', ['root'], true],
  ['7.1.2', '/etc/passwd-', 'backup_etc_passwd', '0644', ['root'], false],
  ['7.1.3', '/etc/group', 'etc_group', '0644', ['root'], true],
  ['7.1.4', '/etc/group-', 'backup_etc_group', '0644', ['root'], false],
  ['7.1.5', '/etc/shadow', 'etc_shadow', '0640', ['root', 'shadow'], true],
  ['7.1.6', '/etc/shadow-', 'backup_etc_shadow', '0640', ['root', 'shadow'], false],
  ['7.1.7', '/etc/gshadow', 'etc_gshadow', '0640', ['root', 'shadow'], true],
  ['7.1.8', '/etc/gshadow-', 'backup_etc_gshadow', '0640', ['root', 'shadow'], false],
  ['7.1.9', '/etc/shells', 'etc_shells', '0644', ['root'], true],
  ['7.1.10', '/etc/security/opasswd', 'etc_security_opasswd', '0600', ['root'], false],
];

const fileChecks = FILES.flatMap(([section, path, ssg, max, groups, required]) => {
  const ifMissing = required ? {} : ({ ifMissing: 'pass' } as const);
  return [
    check(
      {
        id: `cis-d12-${section}-mode`,
        section,
        ssg: `file_permissions_${ssg}`,
        title: `${path} permissions are ${max} or stricter`,
        remediation: `chmod ${max} ${path} (or stricter)`,
      },
      paths(path, { maxMode: max, ...ifMissing }),
    ),
    check(
      {
        id: `cis-d12-${section}-owner`,
        section,
        ssg: `file_owner_${ssg}`,
        title: `${path} is owned by root`,
        remediation: `chown root ${path}`,
      },
      paths(path, { owner: ['root'], ...ifMissing }),
    ),
    check(
      {
        id: `cis-d12-${section}-group`,
        section,
        ssg: `file_groupowner_${ssg}`,
        title: `${path} group is ${groups.join(' or ')}`,
        remediation: `chgrp ${groups[groups.length - 1] ?? 'root'} ${path}`,
      },
      paths(path, { group: groups, ...ifMissing }),
    ),
  ];
});

const HOMES = 'homes';

export const SECTION_7_MAINTENANCE: readonly CheckDefinition[] = [
  ...fileChecks,
  check(
    {
      id: 'cis-d12-7.2.1',
      section: '7.2.1',
      ssg: 'accounts_password_all_shadowed',
      title: 'Every password hash is in /etc/shadow',
      remediation: 'Run pwconv; every /etc/passwd password field should be "x".',
    },
    records('passwd', { every: { password: field('eq', 'x') } }),
  ),
  check(
    {
      id: 'cis-d12-7.2.2',
      section: '7.2.2',
      ssg: 'no_empty_passwords_etc_shadow',
      title: 'No account has an empty password',
      remediation:
        'Lock (passwd -l) or give a password to every account with an empty shadow password field.',
    },
    records('shadow', { where: { password: field('eq', '') }, none: true }),
  ),
  check(
    {
      id: 'cis-d12-7.2.3',
      section: '7.2.3',
      ssg: 'gid_passwd_group_same',
      title: 'Every primary group in /etc/passwd exists in /etc/group',
      remediation: 'Create the missing groups (groupadd -g GID) or move the users to existing groups.',
    },
    records('passwd', { where: { primaryGroup: field('eq', '') }, none: true }),
  ),
  check(
    {
      id: 'cis-d12-7.2.4',
      section: '7.2.4',
      ssg: 'ensure_shadow_group_empty',
      title: 'The shadow group has no members',
      remediation:
        'Remove all members from the shadow group (gpasswd -d USER shadow) and give no user it as primary group.',
    },
    all(
      records('group', { where: { name: field('eq', 'shadow') }, every: { members: field('eq', '') } }),
      records('passwd', { where: { primaryGroup: field('eq', 'shadow') }, none: true }),
    ),
  ),
  check(
    {
      id: 'cis-d12-7.2.5',
      section: '7.2.5',
      ssg: 'account_unique_id',
      title: 'No two users share a user id',
      remediation: 'Give each account its own uid (usermod -u) and fix file ownership.',
    },
    records('passwd', { unique: 'uid' }),
  ),
  check(
    {
      id: 'cis-d12-7.2.6',
      section: '7.2.6',
      ssg: 'group_unique_id',
      title: 'No two groups share a group id',
      remediation: 'Give each group its own gid (groupmod -g) and fix file group ownership.',
    },
    records('group', { unique: 'gid' }),
  ),
  check(
    {
      id: 'cis-d12-7.2.7',
      section: '7.2.7',
      ssg: 'account_unique_name',
      title: 'No two users share a name',
      remediation: 'Rename or remove the duplicate accounts.',
    },
    records('passwd', { unique: 'name' }),
  ),
  check(
    {
      id: 'cis-d12-7.2.8',
      section: '7.2.8',
      ssg: 'group_unique_name',
      title: 'No two groups share a name',
      remediation: 'Rename or remove the duplicate groups.',
    },
    records('group', { unique: 'name' }),
  ),
  check(
    {
      id: 'cis-d12-7.2.9-exists',
      section: '7.2.9',
      ssg: 'accounts_user_interactive_home_directory_exists',
      title: "Every interactive user's home directory exists",
      remediation: 'Create the missing home directories (mkhomedir_helper USER) or correct the home field.',
    },
    records(HOMES, { every: { exists: field('eq', 'yes'), type: field('eq', 'directory') } }),
  ),
  check(
    {
      id: 'cis-d12-7.2.9-owner',
      section: '7.2.9',
      ssg: 'file_ownership_home_directories',
      title: 'Interactive users own their home directories',
      remediation: 'chown USER "$HOME" for each interactive user.',
    },
    records(HOMES, { where: { exists: field('eq', 'yes') }, every: { ownedByUser: field('eq', 'yes') } }),
  ),
  check(
    {
      id: 'cis-d12-7.2.9-group',
      section: '7.2.9',
      ssg: 'file_groupownership_home_directories',
      title: "Home directories belong to their user's primary group",
      remediation: 'chgrp "$(id -g USER)" "$HOME" for each interactive user.',
    },
    records(HOMES, { where: { exists: field('eq', 'yes') }, every: { groupIsPrimary: field('eq', 'yes') } }),
  ),
  check(
    {
      id: 'cis-d12-7.2.9-mode',
      section: '7.2.9',
      ssg: 'file_permissions_home_directories',
      title: 'Home directories are 0750 or stricter',
      remediation: 'chmod g-w,o-rwx "$HOME" for each interactive user.',
    },
    records(HOMES, {
      where: { exists: field('eq', 'yes') },
      every: { mode: field('match', '^0[0-7][0-5]0$') },
    }),
  ),
  check(
    {
      id: 'cis-d12-7.2.10-forward',
      section: '7.2.10',
      ssg: 'no_forward_files',
      title: 'No interactive user has a .forward file',
      remediation: 'Remove ~/.forward files; forward mail with the MTA configuration instead.',
    },
    records(HOMES, { where: { riskyDotFiles: field('match', '(^| )\\.forward( |$)') }, none: true }),
  ),
  check(
    {
      id: 'cis-d12-7.2.10-netrc',
      section: '7.2.10',
      ssg: 'no_netrc_files',
      title: 'No interactive user has a .netrc file',
      remediation: 'Remove ~/.netrc files: they hold passwords in clear text.',
    },
    records(HOMES, { where: { riskyDotFiles: field('match', '(^| )\\.netrc( |$)') }, none: true }),
  ),
  check(
    {
      id: 'cis-d12-7.2.10-rhosts',
      section: '7.2.10',
      ssg: 'no_rsh_trust_files',
      title: 'No interactive user has .rhosts or .shosts',
      remediation: 'Remove ~/.rhosts and ~/.shosts files.',
    },
    records(HOMES, { where: { riskyDotFiles: field('match', '(^| )\\.[rs]hosts( |$)') }, none: true }),
  ),
];
