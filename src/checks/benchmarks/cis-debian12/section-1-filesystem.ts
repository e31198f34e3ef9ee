import type { CheckDefinition, CheckLevel, CheckProfile } from '../../model/check-model.js';
import { check, isMounted, L1, L1_SERVER, L2, moduleDisabled, mountHasOption } from '../check-builders.js';

/** CIS Debian 12 §1.1: filesystem kernel modules and the mount points that should be separate. */

const MODULES: [string, string, string | undefined, Partial<Record<CheckProfile, CheckLevel>>][] = [
  ['1.1.1.1', 'cramfs', 'kernel_module_cramfs_disabled', L1],
  ['1.1.1.2', 'freevxfs', 'kernel_module_freevxfs_disabled', L1],
  ['1.1.1.3', 'hfs', 'kernel_module_hfs_disabled', L1],
  ['1.1.1.4', 'hfsplus', 'kernel_module_hfsplus_disabled', L1],
  ['1.1.1.5', 'jffs2', 'kernel_module_jffs2_disabled', L1],
  ['1.1.1.6', 'overlay', 'kernel_module_overlayfs_disabled', L2],
  ['1.1.1.7', 'squashfs', undefined, L2],
  ['1.1.1.8', 'udf', 'kernel_module_udf_disabled', L2],
  ['1.1.1.9', 'usb-storage', 'kernel_module_usb-storage_disabled', L1_SERVER],
];

const moduleChecks = MODULES.map(([section, module, ssg, levels]) =>
  check(
    {
      id: `cis-d12-${section}`,
      section,
      ...(ssg ? { ssg } : {}),
      levels,
      title: `The ${module} kernel module cannot be loaded`,
      remediation:
        `Add a file under /etc/modprobe.d/ with "install ${module} /bin/false" and "blacklist ${module}", ` +
        `then unload it if loaded (modprobe -r ${module}).`,
    },
    moduleDisabled(module),
  ),
);

/** [section prefix, mount point, level of "separate partition", options with their sections' last digit]. */
const MOUNTS: [string, string, CheckLevel, string | undefined, [string, string][]][] = [
  [
    '1.1.2.1',
    '/tmp',
    1,
    'partition_for_tmp',
    [
      ['nodev', '2'],
      ['nosuid', '3'],
      ['noexec', '4'],
    ],
  ],
  [
    '1.1.2.2',
    '/dev/shm',
    1,
    'partition_for_dev_shm',
    [
      ['nodev', '2'],
      ['nosuid', '3'],
      ['noexec', '4'],
    ],
  ],
  [
    '1.1.2.3',
    '/home',
    2,
    'partition_for_home',
    [
      ['nodev', '2'],
      ['nosuid', '3'],
    ],
  ],
  [
    '1.1.2.4',
    '/var',
    2,
    'partition_for_var',
    [
      ['nodev', '2'],
      ['nosuid', '3'],
    ],
  ],
  [
    '1.1.2.5',
    '/var/tmp',
    2,
    'partition_for_var_tmp',
    [
      ['nodev', '2'],
      ['nosuid', '3'],
      ['noexec', '4'],
    ],
  ],
  [
    '1.1.2.6',
    '/var/log',
    2,
    'partition_for_var_log',
    [
      ['nodev', '2'],
      ['nosuid', '3'],
      ['noexec', '4'],
    ],
  ],
  [
    '1.1.2.7',
    '/var/log/audit',
    2,
    'partition_for_var_log_audit',
    [
      ['nodev', '2'],
      ['nosuid', '3'],
      ['noexec', '4'],
    ],
  ],
];

const ssgMountName = (mp: string) => mp.slice(1).replace(/\//g, '_');

const mountChecks = MOUNTS.flatMap(([prefix, mp, level, ssg, options]) => [
  check(
    {
      id: `cis-d12-${prefix}.1`,
      section: `${prefix}.1`,
      ...(ssg ? { ssg } : {}),
      levels: level === 1 ? L1 : L2,
      title: `${mp} is a separate mount`,
      remediation:
        `Give ${mp} its own filesystem: a partition or logical volume (a tmpfs for /tmp and /dev/shm) ` +
        `listed in /etc/fstab${mp === '/tmp' ? ', or enable the tmp.mount unit' : ''}.`,
    },
    isMounted(mp),
  ),
  ...options.map(([option, digit]) =>
    check(
      {
        id: `cis-d12-${prefix}.${digit}`,
        section: `${prefix}.${digit}`,
        ssg: `mount_option_${ssgMountName(mp)}_${option}`,
        title: `${mp} is mounted with ${option}`,
        applicable: isMounted(mp),
        remediation: `Add ${option} to the options of ${mp} in /etc/fstab and remount it (mount -o remount ${mp}).`,
      },
      mountHasOption(mp, option),
    ),
  ),
]);

export const SECTION_1_FILESYSTEM: readonly CheckDefinition[] = [...moduleChecks, ...mountChecks];
