/**
 * sshd's compiled-in values on Debian 12 (OpenSSH 9.2p1), as `sshd -T` prints them when the
 * configuration says nothing: CIS audits the effective value, so an unset option is its default.
 * Debian's shipped sshd_config sets UsePAM, KbdInteractiveAuthentication and X11Forwarding itself.
 */
export const SSHD_DEFAULTS: Readonly<Record<string, string>> = {
  permitrootlogin: 'prohibit-password',
  permitemptypasswords: 'no',
  permituserenvironment: 'no',
  hostbasedauthentication: 'no',
  ignorerhosts: 'yes',
  loglevel: 'INFO',
  maxauthtries: '6',
  maxsessions: '10',
  maxstartups: '10:30:100',
  logingracetime: '120',
  clientaliveinterval: '0',
  clientalivecountmax: '3',
  banner: 'none',
  usepam: 'no',
  x11forwarding: 'no',
  allowtcpforwarding: 'yes',
  disableforwarding: 'no',
  gssapiauthentication: 'no',
  passwordauthentication: 'yes',
  kbdinteractiveauthentication: 'yes',
  pubkeyauthentication: 'yes',
  // OpenSSH 9.2 speaks protocol 2 only; the Protocol keyword is gone.
  protocol: '2',
  ciphers:
    'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com',
  macs:
    'umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,' +
    'hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1',
  kexalgorithms:
    'sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,' +
    'ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,' +
    'diffie-hellman-group18-sha512,diffie-hellman-group14-sha256',
};

/** Options whose every occurrence adds to the value (sshd keeps them all). */
export const SSHD_ACCUMULATING = new Set([
  'allowusers',
  'allowgroups',
  'denyusers',
  'denygroups',
  'acceptenv',
  'hostkey',
  'listenaddress',
  'port',
]);

/** Algorithm lists that accept `+`, `-` and `^` against the default. */
export const SSHD_ALGORITHM_LISTS = new Set(['ciphers', 'macs', 'kexalgorithms']);

/** Options that take an sshd time value; the fact holds seconds, as `sshd -T` prints them. */
export const SSHD_TIME_OPTIONS = new Set(['logingracetime', 'clientaliveinterval']);
