import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { envelopeKeyId, SecretBox } from './secret-box.js';

const KEY = Buffer.alloc(32, 7);
const unreadable = { code: 'SECRET_UNREADABLE' };

describe('SecretBox (AES-256-GCM envelope)', () => {
  it('seals to v1.<keyId>.<nonce>.<ciphertext>.<tag> that node:crypto itself opens, with a fresh nonce each time', () => {
    const box = SecretBox.fromKey(KEY);
    const a = box.seal('whsec-123', 'webhook:s1');
    const b = box.seal('whsec-123', 'webhook:s1');
    expect(a).not.toBe(b);
    const [v, kid, nonce = '', ct = '', tag = ''] = a.split('.');
    expect([v, kid, envelopeKeyId(a)]).toEqual(['v1', box.keyId, box.keyId]);
    expect(Buffer.from(nonce, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(a).not.toContain('whsec');
    // Independent of SecretBox.open: the documented format, opened with node:crypto directly.
    const d = createDecipheriv('aes-256-gcm', KEY, Buffer.from(nonce, 'base64url'));
    d.setAAD(Buffer.from(`vigil-secret:v1:${box.keyId}:webhook:s1`));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    expect(Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString()).toBe('whsec-123');
    expect(box.open(a, 'webhook:s1')).toBe('whsec-123');
  });

  it('opens nothing under another key, in another row, or altered by one byte', () => {
    const box = SecretBox.fromKey(KEY);
    const sealed = box.seal('whsec-123', 'webhook:s1');
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 8)).open(sealed, 'webhook:s1')).toThrow(
      expect.objectContaining(unreadable) as Error,
    );
    expect(() => box.open(sealed, 'webhook:s2')).toThrow(expect.objectContaining(unreadable) as Error);
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => box.open(parts.join('.'), 'webhook:s1')).toThrow(
      expect.objectContaining(unreadable) as Error,
    );
    expect(() => box.open('whsec-123', 'webhook:s1')).toThrow(expect.objectContaining(unreadable) as Error);
    expect(envelopeKeyId('whsec-123')).toBeUndefined();
  });

  it('names keys by a stable id that differs between keys', () => {
    expect(SecretBox.fromKey(KEY).keyId).toBe(SecretBox.fromKey(Buffer.from(KEY)).keyId);
    expect(SecretBox.fromKey(KEY).keyId).not.toBe(SecretBox.ephemeral().keyId);
    expect(SecretBox.fromKey(KEY).keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(() => SecretBox.fromKey(Buffer.alloc(16))).toThrow(RangeError);
  });
});
