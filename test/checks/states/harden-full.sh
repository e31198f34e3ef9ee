#!/bin/sh
# Hardens a copy of the prepared bookworm rootfs ($1) the way a CIS Debian 12 Level 1 server build
# would: everything a root filesystem can show (no kernel runtime state). Run by test/checks on a copy.
set -eu
R="$1"
export DEBIAN_FRONTEND=noninteractive
chroot "$R" apt-get install -y -qq --no-install-recommends \
  libpam-pwquality apparmor apparmor-utils rsyslog systemd-timesyncd nftables aide aide-common \
  auditd audispd-plugins >/dev/null

# sshd: settings at the top of sshd_config, before the stock Include (sshd takes the first value)
cat >"$R/tmp/sshd-cis.conf" <<'CONF'
PermitRootLogin no
PermitEmptyPasswords no
PermitUserEnvironment no
HostbasedAuthentication no
IgnoreRhosts yes
LogLevel INFO
MaxAuthTries 4
MaxSessions 10
MaxStartups 10:30:60
LoginGraceTime 60
ClientAliveInterval 15
ClientAliveCountMax 3
Banner /etc/issue.net
UsePAM yes
DisableForwarding yes
GSSAPIAuthentication no
AllowGroups sshusers
Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr,chacha20-poly1305@openssh.com
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp521,ecdh-sha2-nistp384,ecdh-sha2-nistp256,diffie-hellman-group-exchange-sha256
CONF
cat "$R/tmp/sshd-cis.conf" "$R/etc/ssh/sshd_config" >"$R/tmp/sshd_config.new"
mv "$R/tmp/sshd_config.new" "$R/etc/ssh/sshd_config"
rm "$R/tmp/sshd-cis.conf"
chmod 600 "$R/etc/ssh/sshd_config"
chmod 600 "$R"/etc/ssh/ssh_host_*_key
chmod 644 "$R"/etc/ssh/ssh_host_*_key.pub

cat >"$R/etc/sysctl.d/60-cis.conf" <<'CONF'
kernel.randomize_va_space = 2
kernel.yama.ptrace_scope = 1
fs.suid_dumpable = 0
net.ipv4.ip_forward = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.default.send_redirects = 0
net.ipv4.icmp_ignore_bogus_error_responses = 1
net.ipv4.icmp_echo_ignore_broadcasts = 1
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv4.conf.all.secure_redirects = 0
net.ipv4.conf.default.secure_redirects = 0
net.ipv4.conf.all.rp_filter = 1
net.ipv4.conf.default.rp_filter = 1
net.ipv4.conf.all.accept_source_route = 0
net.ipv4.conf.default.accept_source_route = 0
net.ipv4.conf.all.log_martians = 1
net.ipv4.conf.default.log_martians = 1
net.ipv4.tcp_syncookies = 1
net.ipv6.conf.all.forwarding = 0
net.ipv6.conf.all.accept_redirects = 0
net.ipv6.conf.default.accept_redirects = 0
net.ipv6.conf.all.accept_source_route = 0
net.ipv6.conf.default.accept_source_route = 0
net.ipv6.conf.all.accept_ra = 0
net.ipv6.conf.default.accept_ra = 0
CONF

mkdir -p "$R/etc/modprobe.d"
for m in cramfs freevxfs hfs hfsplus jffs2 overlay squashfs udf usb-storage dccp tipc rds sctp; do
  printf 'install %s /bin/false\nblacklist %s\n' "$m" "$m"
done >"$R/etc/modprobe.d/60-cis.conf"

cat >"$R/etc/fstab" <<'CONF'
# <file system> <mount point> <type> <options> <dump> <pass>
UUID=0b0c0a0e-0000-4000-8000-000000000001 / ext4 errors=remount-ro 0 1
tmpfs /tmp tmpfs defaults,rw,nosuid,nodev,noexec,relatime,size=2G 0 0
tmpfs /dev/shm tmpfs defaults,rw,nosuid,nodev,noexec,relatime 0 0
UUID=0b0c0a0e-0000-4000-8000-000000000002 /home ext4 defaults,nodev,nosuid 0 2
UUID=0b0c0a0e-0000-4000-8000-000000000003 /var ext4 defaults,nodev,nosuid 0 2
UUID=0b0c0a0e-0000-4000-8000-000000000004 /var/tmp ext4 defaults,nodev,nosuid,noexec 0 2
UUID=0b0c0a0e-0000-4000-8000-000000000005 /var/log ext4 defaults,nodev,nosuid,noexec 0 2
UUID=0b0c0a0e-0000-4000-8000-000000000006 /var/log/audit ext4 defaults,nodev,nosuid,noexec 0 2
CONF

sed -i -e 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\t365/' -e 's/^PASS_MIN_DAYS.*/PASS_MIN_DAYS\t1/' \
  -e 's/^PASS_WARN_AGE.*/PASS_WARN_AGE\t7/' -e 's/^UMASK.*/UMASK\t\t027/' \
  -e 's/^#\?ENCRYPT_METHOD.*/ENCRYPT_METHOD YESCRYPT/' "$R/etc/login.defs"
grep -q '^ENCRYPT_METHOD' "$R/etc/login.defs" || echo 'ENCRYPT_METHOD YESCRYPT' >>"$R/etc/login.defs"
sed -i 's/^#\? *INACTIVE=.*/INACTIVE=45/' "$R/etc/default/useradd"
chroot "$R" chage --maxdays 365 --mindays 1 --warndays 7 --inactive 45 root

cat >"$R/etc/security/pwquality.conf" <<'CONF'
minlen = 14
minclass = 4
dcredit = -1
ucredit = -1
lcredit = -1
ocredit = -1
difok = 2
maxrepeat = 3
maxsequence = 3
dictcheck = 1
enforcing = 1
enforce_for_root
CONF
cat >"$R/etc/pam.d/common-password" <<'CONF'
password	requisite			pam_pwquality.so retry=3
password	requisite			pam_pwhistory.so remember=24 enforce_for_root use_authtok
password	[success=1 default=ignore]	pam_unix.so obscure use_authtok yescrypt
password	requisite			pam_deny.so
password	required			pam_permit.so
CONF
cat >"$R/etc/pam.d/common-auth" <<'CONF'
auth	required			pam_faillock.so preauth
auth	[success=1 default=ignore]	pam_unix.so
auth	[default=die]			pam_faillock.so authfail
auth	requisite			pam_deny.so
auth	required			pam_permit.so
auth	sufficient			pam_faillock.so authsucc
CONF
sed -i '1i account\trequired\t\t\tpam_faillock.so' "$R/etc/pam.d/common-account"
cat >"$R/etc/security/faillock.conf" <<'CONF'
deny = 4
unlock_time = 900
even_deny_root
root_unlock_time = 900
CONF

chroot "$R" groupadd sugroup
sed -i 's/^# *auth *required *pam_wheel.so$/auth       required   pam_wheel.so use_uid group=sugroup/' "$R/etc/pam.d/su"
grep -q '^auth.*pam_wheel.so.*group=sugroup' "$R/etc/pam.d/su" \
  || echo 'auth       required   pam_wheel.so use_uid group=sugroup' >>"$R/etc/pam.d/su"

cat >"$R/etc/sudoers.d/60-cis" <<'CONF'
Defaults use_pty
Defaults logfile="/var/log/sudo.log"
Defaults timestamp_timeout=15
CONF
chmod 440 "$R/etc/sudoers.d/60-cis"

chmod 600 "$R/etc/crontab"
chmod 700 "$R/etc/cron.hourly" "$R/etc/cron.daily" "$R/etc/cron.weekly" "$R/etc/cron.monthly" "$R/etc/cron.d"
rm -f "$R/etc/cron.deny" "$R/etc/at.deny"
: >"$R/etc/cron.allow"; chmod 640 "$R/etc/cron.allow"
: >"$R/etc/at.allow"; chmod 640 "$R/etc/at.allow"

printf 'Authorized use only. All activity may be monitored and reported.\n' >"$R/etc/issue"
printf 'Authorized use only. All activity may be monitored and reported.\n' >"$R/etc/issue.net"
printf 'Authorized use only.\n' >"$R/etc/motd"
chmod 644 "$R/etc/issue" "$R/etc/issue.net" "$R/etc/motd"

mkdir -p "$R/etc/security/limits.d"
printf '* hard core 0\n' >"$R/etc/security/limits.d/60-cis.conf"
cat >"$R/etc/profile.d/60-cis.sh" <<'CONF'
umask 027
typeset -xr TMOUT=900
CONF
printf 'umask 027\n' >>"$R/etc/bash.bashrc"
sed -i 's/^umask 022/umask 027/' "$R/etc/profile" 2>/dev/null || true

# journald.conf itself (Debian's rsyslog.conf already says $FileCreateMode 0640)
cat >>"$R/etc/systemd/journald.conf" <<'CONF'
Storage=persistent
Compress=yes
ForwardToSyslog=yes
CONF

printf 'NTP=0.debian.pool.ntp.org 1.debian.pool.ntp.org\n' >>"$R/etc/systemd/timesyncd.conf"
# systemctl enable works offline in a chroot: it only writes the .wants links
chroot "$R" systemctl enable nftables.service dailyaidecheck.timer >/dev/null 2>&1

# auditd (CIS Level 2)
sed -i -e 's/^max_log_file_action.*/max_log_file_action = keep_logs/' -e 's/^disk_full_action.*/disk_full_action = halt/' \
  -e 's/^disk_error_action.*/disk_error_action = halt/' -e 's/^space_left_action.*/space_left_action = email/' \
  -e 's/^admin_space_left_action.*/admin_space_left_action = halt/' "$R/etc/audit/auditd.conf"
chmod 640 "$R/etc/audit/auditd.conf"
cat >"$R/etc/audit/rules.d/60-cis.rules" <<'RULES'
-w /etc/sudoers -p wa -k scope
-w /etc/sudoers.d/ -p wa -k scope
-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -k time-change
-a always,exit -F arch=b32 -S adjtimex,settimeofday,clock_settime -k time-change
-w /etc/localtime -p wa -k time-change
-a always,exit -F arch=b64 -S sethostname,setdomainname -k system-locale
-a always,exit -F arch=b32 -S sethostname,setdomainname -k system-locale
-w /etc/issue -p wa -k system-locale
-w /etc/issue.net -p wa -k system-locale
-w /etc/hosts -p wa -k system-locale
-w /etc/networks -p wa -k system-locale
-w /etc/network/ -p wa -k system-locale
-w /etc/group -p wa -k identity
-w /etc/passwd -p wa -k identity
-w /etc/gshadow -p wa -k identity
-w /etc/shadow -p wa -k identity
-w /etc/security/opasswd -p wa -k identity
-w /etc/nsswitch.conf -p wa -k identity
-w /etc/pam.conf -p wa -k identity
-w /etc/pam.d/ -p wa -k identity
-a always,exit -F arch=b64 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b64 -S chown,fchown,lchown,fchownat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S chmod,fchmod,fchmodat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S lchown,fchown,chown,fchownat -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b64 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr -F auid>=1000 -F auid!=unset -F key=perm_mod
-a always,exit -F arch=b32 -S mount -F auid>=1000 -F auid!=unset -k mounts
-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=unset -k mounts
-w /var/run/utmp -p wa -k session
-w /var/log/wtmp -p wa -k session
-w /var/log/btmp -p wa -k session
-w /var/log/lastlog -p wa -k logins
-w /var/run/faillock -p wa -k logins
-a always,exit -F arch=b64 -S rename,unlink,unlinkat,renameat -F auid>=1000 -F auid!=unset -F key=delete
-a always,exit -F arch=b32 -S rename,unlink,unlinkat,renameat -F auid>=1000 -F auid!=unset -F key=delete
-w /etc/apparmor -p wa -k MAC-policy
-w /etc/apparmor.d -p wa -k MAC-policy
-a always,exit -F arch=b64 -S init_module,finit_module,delete_module,create_module,query_module -F auid>=1000 -F auid!=unset -k kernel_modules
-a always,exit -F arch=b32 -S init_module,finit_module,delete_module,create_module,query_module -F auid>=1000 -F auid!=unset -k kernel_modules
-e 2
RULES
chmod 640 "$R/etc/audit/rules.d/60-cis.rules"
