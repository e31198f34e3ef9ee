#!/bin/sh
# Half-hardens a copy of the prepared bookworm rootfs ($1): some settings right, some wrong, some in
# the places where readers go wrong (sshd drop-ins read before sshd_config's own lines, a later
# sysctl.d file overriding an earlier one, slash-separated sysctl keys, a Match block).
set -eu
R="$1"
export DEBIAN_FRONTEND=noninteractive
chroot "$R" apt-get install -y -qq --no-install-recommends libpam-pwquality avahi-daemon rsync ldap-utils systemd >/dev/null

# sshd: the drop-in comes first through the Include, so its PermitRootLogin wins over the later "no".
cat >"$R/etc/ssh/sshd_config.d/10-site.conf" <<'CONF'
PermitRootLogin yes
MaxAuthTries 3
LoginGraceTime 2m
CONF
cat >>"$R/etc/ssh/sshd_config" <<'CONF'
PermitRootLogin no
MaxAuthTries 6
IgnoreRhosts yes
Banner /etc/issue.net
Match Group admins
    MaxSessions 20
CONF

cat >"$R/etc/sysctl.d/50-net.conf" <<'CONF'
net.ipv4.ip_forward = 0
net.ipv4.conf.all.accept_redirects = 0
net/ipv4/conf/default/accept_redirects = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.tcp_syncookies = 1
kernel.randomize_va_space = 1
CONF
printf 'net.ipv4.ip_forward = 1\n' >"$R/etc/sysctl.d/90-router.conf"

mkdir -p "$R/etc/modprobe.d"
cat >"$R/etc/modprobe.d/50-fs.conf" <<'CONF'
blacklist cramfs
install hfs /bin/false
install freevxfs /bin/false
blacklist freevxfs
install jffs2 /bin/true
blacklist jffs2
CONF

cat >>"$R/etc/fstab" <<'CONF'
tmpfs /tmp tmpfs defaults,nodev 0 0
UUID=0b0c0a0e-0000-4000-8000-000000000004 /var/tmp ext4 defaults,nodev,nosuid 0 2
CONF

sed -i -e 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\t400/' -e 's/^UMASK.*/UMASK\t\t027/' "$R/etc/login.defs"
printf 'minlen = 8\ndcredit = -1\n' >>"$R/etc/security/pwquality.conf"

chmod 644 "$R/etc/shadow"
chmod 600 "$R/etc/crontab"
printf 'Authorized use only.\n' >"$R/etc/issue.net"
printf 'Defaults logfile="/var/log/sudo.log"\n' >"$R/etc/sudoers.d/50-log"
chmod 440 "$R/etc/sudoers.d/50-log"

chroot "$R" useradd --create-home --shell /bin/bash --uid 1000 alice
chmod 755 "$R/home/alice"
printf 'machine example.org login alice password secret\n' >"$R/home/alice/.netrc"
printf 'toor:x:0:0:second root:/root:/bin/bash\n' >>"$R/etc/passwd"
printf 'toor:*:19000:0:99999:7:::\n' >>"$R/etc/shadow"

mkdir -p "$R/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=persistent\n' >"$R/etc/systemd/journald.conf.d/50-site.conf"
