import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  startLoopbackListener,
  type ListenerMode,
  type LoopbackListener,
} from '../../test/fixtures/loopback-listener.js';
import { parseEgressAllowList } from './egress-allow-list.js';
import { createGuardedEgress, createOpenEgress, type Egress } from './egress-client.js';
import type { EgressTimeouts } from './egress-config.js';
import type { EgressLookup, ResolvedAddress } from './egress-resolve.js';

const listeners: LoopbackListener[] = [];
const egresses: Egress[] = [];
const listen = async (mode: ListenerMode, intervalMs?: number): Promise<LoopbackListener> => {
  const l = await startLoopbackListener(mode, intervalMs);
  listeners.push(l);
  return l;
};
const guarded = (allow: string[] = [], lookup?: EgressLookup, timeouts?: EgressTimeouts): Egress => {
  const e = createGuardedEgress({
    allow: parseEgressAllowList(allow),
    ...(lookup ? { lookup } : {}),
    ...(timeouts ? { timeouts } : {}),
  });
  egresses.push(e);
  return e;
};
afterEach(async () => {
  for (const l of listeners.splice(0)) await l.close();
});
afterAll(async () => {
  for (const e of egresses) await e.close();
});

/** A resolver that knows only the names it is given (nothing reaches DNS) and counts its calls. */
function testResolver(
  names: Record<string, string[] | (() => string[])>,
): EgressLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = (host: string): Promise<ResolvedAddress[]> => {
    calls.push(host);
    const entry = names[host];
    const addrs = typeof entry === 'function' ? entry() : entry;
    if (!addrs) return Promise.reject(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(lookup, { calls });
}

const denied = { code: 'EGRESS_DENIED' };

describe('guarded egress (the server): refused before any connection', () => {
  it('refuses every spelling of the loopback listener, and the listener sees no connection', async () => {
    const l = await listen('ok');
    const p = l.port;
    const spellings = [
      `127.0.0.1:${p}`,
      `2130706433:${p}`, // decimal
      `0x7f.1:${p}`, // hex, short
      `0x7f000001:${p}`, // hex
      `017700000001:${p}`, // octal
      `0177.0.0.1:${p}`, // octal first part
      `127.1:${p}`, // short
      `127.0.1:${p}`,
      `0:${p}`, // 0.0.0.0 reaches this host
      `0.0.0.0:${p}`,
      `[::ffff:127.0.0.1]:${p}`, // IPv4-mapped
      `[::ffff:7f00:1]:${p}`,
      `[::127.0.0.1]:${p}`, // IPv4-compatible
      `[64:ff9b::127.0.0.1]:${p}`, // NAT64
      `[2002:7f00:1::]:${p}`, // 6to4
      `[::1]:${p}`,
      `[::]:${p}`,
      `localhost:${p}`, // /etc/hosts, no DNS
      `LOCALHOST.:${p}`,
    ];
    const egress = guarded();
    for (const s of spellings) {
      await expect(egress.fetch(`http://${s}/x`), s).rejects.toMatchObject(denied);
      await expect(egress.fetch(`https://${s}/x`), s).rejects.toMatchObject(denied);
    }
    expect(l.connections).toBe(0);
  });

  it('refuses internal ranges by check() alone (nothing is sent off this machine)', async () => {
    const egress = guarded();
    for (const host of [
      '169.254.169.254',
      '[fd00:ec2::254]',
      '10.0.0.1',
      '172.16.0.1',
      '192.168.0.1',
      '100.64.0.1',
      '[fc00::1]',
      '[fe80::1]',
      '224.0.0.1',
      '255.255.255.255',
      '[ff02::1]',
    ])
      await expect(egress.check(`http://${host}/latest/meta-data/`), host).rejects.toMatchObject(denied);
  });

  it('the refusal names the flag and reads the same whatever listens on the port', async () => {
    const open = await listen('ok');
    const closed = await listen('ok');
    const closedPort = closed.port;
    await closed.close();
    const egress = guarded();
    const a = await egress.fetch(`http://127.0.0.1:${open.port}/`).catch((e: unknown) => e);
    const b = await egress.fetch(`http://127.0.0.1:${closedPort}/`).catch((e: unknown) => e);
    expect(a).toMatchObject({ code: 'EGRESS_DENIED', details: { host: '127.0.0.1' } });
    expect((a as Error).message).toContain('--egress-allow');
    expect((a as Error).message).toContain('VIGIL_EGRESS_ALLOW');
    expect([(a as Error).message, (a as { details: unknown }).details]).toEqual([
      (b as Error).message,
      (b as { details: unknown }).details,
    ]);
    expect(open.connections).toBe(0);
  });

  it('checks every address a name resolves to, through the injected resolver (no DNS)', async () => {
    const l = await listen('ok');
    const lookup = testResolver({
      'loop.test': ['127.0.0.1'],
      'mixed.test': ['8.8.8.8', '127.0.0.1'],
      'meta.test': ['169.254.169.254'],
      'public.test': ['8.8.8.8', '2606:4700:4700::1111'],
    });
    const egress = guarded([], lookup);
    await expect(egress.fetch(`http://loop.test:${l.port}/`)).rejects.toMatchObject(denied);
    await expect(egress.check('http://mixed.test/')).rejects.toMatchObject(denied);
    await expect(egress.check('http://meta.test/')).rejects.toMatchObject(denied);
    await expect(egress.check('http://public.test/')).resolves.toBeUndefined();
    await expect(egress.check('http://nowhere.test/')).rejects.toMatchObject({ code: 'EGRESS_UNREACHABLE' });
    expect(l.connections).toBe(0);
  });

  it('a resolver that never answers does not hold a check: the name reads as unreachable for now', async () => {
    const silent: EgressLookup = () => new Promise<ResolvedAddress[]>(() => undefined);
    const egress = guarded([], silent, {
      egressConnectTimeoutMs: 200,
      egressHeadersTimeoutMs: 200,
      egressIdleTimeoutMs: 200,
      egressMinBytesPerSecond: 1,
    });
    await expect(egress.check('http://slow.test/')).rejects.toMatchObject({ code: 'EGRESS_UNREACHABLE' });
  });

  it('connects to the very address it checked: one resolution per connection, a rebinding answer loses', async () => {
    const l = await listen('ok');
    // pinned.test exists only in this resolver: a second resolution by anyone else would fail (ENOTFOUND).
    const pinned = testResolver({ 'pinned.test': ['127.0.0.1'] });
    const ok = await guarded(['127.0.0.1'], pinned).fetch(`http://pinned.test:${l.port}/`);
    expect(await ok.text()).toBe('ok');
    expect(pinned.calls).toEqual(['pinned.test']);
    expect(l.connections).toBe(1);
    // Checked allowed first, then rebound to a denied address: the connection's own check refuses it.
    let n = 0;
    const rebinding = testResolver({ 'rebind.test': () => (n++ === 0 ? ['127.0.0.1'] : ['::1']) });
    const egress = guarded(['127.0.0.1'], rebinding);
    await egress.check(`http://rebind.test:${l.port}/`);
    await expect(egress.fetch(`http://rebind.test:${l.port}/`)).rejects.toMatchObject(denied);
    expect(rebinding.calls).toEqual(['rebind.test', 'rebind.test']);
    expect(l.connections).toBe(1);
  });

  it('connects where the allow list says: an address, a range, a host name', async () => {
    const l = await listen('ok');
    const lookup = testResolver({ 'registry.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] });
    for (const allow of [['127.0.0.1'], ['127.0.0.0/8'], ['::ffff:127.0.0.1']]) {
      const res = await guarded(allow, lookup).fetch(`http://127.0.0.1:${l.port}/`);
      expect(await res.text()).toBe('ok');
    }
    const byName = guarded(['registry.test'], lookup);
    expect(await (await byName.fetch(`http://registry.test:${l.port}/`)).text()).toBe('ok');
    // The name is allowed, not what it resolves to.
    await expect(byName.fetch(`http://other.test:${l.port}/`)).rejects.toMatchObject(denied);
    await expect(byName.fetch(`http://127.0.0.1:${l.port}/`)).rejects.toMatchObject(denied);
    expect(l.connections).toBe(4);
  });

  it('a refused connection and a reset one read the same (no reason under the server policy)', async () => {
    const reset = await listen('reset');
    const closed = await listen('ok');
    const closedPort = closed.port;
    await closed.close();
    const egress = guarded(['127.0.0.1']);
    const a = await egress.fetch(`http://127.0.0.1:${reset.port}/`).catch((e: unknown) => e);
    const b = await egress.fetch(`http://127.0.0.1:${closedPort}/`).catch((e: unknown) => e);
    expect(a).toMatchObject({ code: 'EGRESS_UNREACHABLE', message: 'cannot connect to 127.0.0.1' });
    expect(b).toMatchObject({ code: 'EGRESS_UNREACHABLE', message: 'cannot connect to 127.0.0.1' });
  });
});

describe('timeouts (server and CLI alike): a tarpit ends with EGRESS_TIMEOUT', () => {
  const T: EgressTimeouts = {
    egressConnectTimeoutMs: 500,
    egressHeadersTimeoutMs: 800,
    egressIdleTimeoutMs: 1500,
    egressMinBytesPerSecond: 100,
  };
  const timeout = (phase: string): object => ({ code: 'EGRESS_TIMEOUT', details: { phase } });
  const both = (): Array<[string, Egress]> => {
    const open = createOpenEgress(T);
    egresses.push(open);
    return [
      ['server', guarded(['127.0.0.1'], undefined, T)],
      ['cli', open],
    ];
  };

  it('accepts and never answers: headers timeout (http) and connect timeout (the TLS handshake)', async () => {
    const l = await listen('tarpit');
    await Promise.all(
      both().map(async ([who, egress]) => {
        await expect(egress.fetch(`http://127.0.0.1:${l.port}/`), who).rejects.toMatchObject(
          timeout('headers'),
        );
        await expect(egress.fetch(`https://127.0.0.1:${l.port}/`), who).rejects.toMatchObject(
          timeout('connect'),
        );
      }),
    );
  });

  it('dribbles its headers a byte at a time: the headers timeout still ends it', async () => {
    const l = await listen('dribble-headers', 100);
    await Promise.all(
      both().map(([who, egress]) =>
        expect(egress.fetch(`http://127.0.0.1:${l.port}/`), who).rejects.toMatchObject(timeout('headers')),
      ),
    );
  });

  it('sends headers, then nothing: the idle timeout ends the body', async () => {
    const l = await listen('silent-body');
    await Promise.all(
      both().map(async ([who, egress]) => {
        const res = await egress.fetch(`http://127.0.0.1:${l.port}/`);
        expect(res.status, who).toBe(200);
        await expect(res.arrayBuffer(), who).rejects.toMatchObject(timeout('idle'));
      }),
    );
  });

  it('dribbles its body a byte a second: under the minimum rate, it ends', async () => {
    const l = await listen('dribble-body', 1000);
    await Promise.all(
      both().map(async ([who, egress]) => {
        const res = await egress.fetch(`http://127.0.0.1:${l.port}/`);
        await expect(res.text(), who).rejects.toMatchObject(timeout('slow'));
      }),
    );
  });
});

describe('open egress (the CLI)', () => {
  it('connects wherever its user asks, loopback included', async () => {
    const l = await listen('ok');
    const egress = createOpenEgress();
    egresses.push(egress);
    expect(await (await egress.fetch(`http://127.0.0.1:${l.port}/`)).text()).toBe('ok');
    expect(await (await egress.fetch(`http://localhost:${l.port}/`)).text()).toBe('ok');
  });
});
