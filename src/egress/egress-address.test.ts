import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { ipLiteral, nonPublicRange } from './egress-address.js';
import { EgressAllowInvalidError } from './egress-allow-invalid-error.js';
import { parseEgressAllowList } from './egress-allow-list.js';

const range = (a: string): string | undefined => nonPublicRange(ipaddr.parse(a));

describe('nonPublicRange: the deny list', () => {
  it.each([
    // loopback, both families, first and last of 127/8
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    // link-local, with the cloud metadata address
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.0', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    // RFC 1918, edges included
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    // CGNAT 100.64/10
    ['100.64.0.0', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    // unique-local fc00::/7
    ['fc00::1', 'uniqueLocal'],
    ['fdff:ffff::1', 'uniqueLocal'],
    // 0.0.0.0/8 and the unspecified addresses
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['::', 'unspecified'],
    // multicast, broadcast
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    // reserved and documentation ranges
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    // IPv6 forms that carry an IPv4 address are judged by it
    ['::ffff:127.0.0.1', 'ipv4Mapped(loopback)'],
    ['::ffff:169.254.169.254', 'ipv4Mapped(linkLocal)'],
    ['::ffff:10.0.0.1', 'ipv4Mapped(private)'],
    ['64:ff9b::127.0.0.1', 'rfc6052(loopback)'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052(linkLocal)'],
    ['2002:7f00:1::', '6to4(loopback)'],
    ['2002:a00:1::1', '6to4(private)'],
    // ...or refused whole
    ['::7f00:1', 'ipv4Compatible'],
    ['::808:808', 'ipv4Compatible'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['64:ff9b:1::1', 'rfc6052'],
    ['2001::1', 'teredo'],
    ['fec0::1', 'deprecatedSiteLocal'],
  ])('%s is refused (%s)', (address, why) => {
    expect(range(address)).toBe(why);
  });

  it('refuses ::127.0.0.1 however the library reads the dotted tail (ipaddr.js takes it as IPv4-mapped)', () => {
    expect(range('::127.0.0.1')).toBeDefined();
    expect(range(new URL('http://[::127.0.0.1]/').hostname.slice(1, -1))).toBe('ipv4Compatible');
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (address) => {
    expect(range(address)).toBeUndefined();
  });
});

describe('ipLiteral', () => {
  it('reads canonical literals only; other spellings are names to resolve (URL parsing normalizes them first)', () => {
    expect(ipLiteral('127.0.0.1')?.toString()).toBe('127.0.0.1');
    expect(ipLiteral('[::1]')?.toString()).toBe('::1');
    expect(ipLiteral('[::ffff:7f00:1]')?.toString()).toBe('::ffff:7f00:1');
    for (const name of ['0x7f.1', '127.1', '2130706433', 'localhost', 'registry.internal'])
      expect(ipLiteral(name)).toBeUndefined();
    // What the WHATWG URL parser makes of the numeric spellings: a dotted quad, judged as such.
    for (const spelled of [
      '2130706433',
      '0x7f.1',
      '0x7f000001',
      '017700000001',
      '0177.0.0.1',
      '127.1',
      '127.0.1',
    ])
      expect(new URL(`http://${spelled}:1/`).hostname).toBe('127.0.0.1');
  });
});

describe('parseEgressAllowList', () => {
  it('reads addresses, CIDR ranges and host names from flags and lists', () => {
    const allow = parseEgressAllowList([
      '127.0.0.1,10.0.5.0/24',
      ' registry.internal  *.corp.example',
      '::1',
    ]);
    expect(allow.entries).toEqual(['127.0.0.1', '10.0.5.0/24', 'registry.internal', '*.corp.example', '::1']);
    expect(allow.allowsAddress(ipaddr.parse('127.0.0.1'))).toBe(true);
    expect(allow.allowsAddress(ipaddr.parse('::ffff:127.0.0.1'))).toBe(true);
    expect(allow.allowsAddress(ipaddr.parse('127.0.0.2'))).toBe(false);
    expect(allow.allowsAddress(ipaddr.parse('10.0.5.200'))).toBe(true);
    expect(allow.allowsAddress(ipaddr.parse('10.0.6.1'))).toBe(false);
    expect(allow.allowsAddress(ipaddr.parse('::1'))).toBe(true);
    expect(allow.allowsHost('registry.internal')).toBe(true);
    expect(allow.allowsHost('REGISTRY.internal.')).toBe(true);
    expect(allow.allowsHost('evil-registry.internal')).toBe(false);
    expect(allow.allowsHost('a.b.corp.example')).toBe(true);
    expect(allow.allowsHost('corp.example')).toBe(false);
    expect(allow.allowsHost('xcorp.example')).toBe(false);
  });

  it('refuses what it cannot read, with EGRESS_ALLOW_INVALID, instead of silently allowing nothing', () => {
    for (const bad of [
      '0x7f.1',
      '127.1',
      '2130706433',
      '10.0.0.0/33',
      '10.0.0.0/x',
      'a..b',
      '-x.example',
      'http://x',
    ])
      expect(() => parseEgressAllowList([bad]), bad).toThrow(EgressAllowInvalidError);
    expect(parseEgressAllowList(['', ' , ']).entries).toEqual([]);
  });
});
