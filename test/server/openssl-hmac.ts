import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../fixtures/required-tool.js';

const PER_CALL = 500;

/**
 * `sha256=<hex>` for each body as `openssl dgst -sha256 -hmac SECRET` computes it: an implementation
 * that is not vigil's, so a wrong key encoding or a re-serialized body cannot pass by agreeing with
 * itself. One openssl process per 500 bodies (the bodies go through files).
 */
export function opensslSignatures(secret: string, bodies: readonly string[]): string[] {
  requireTool('openssl');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hmac-'));
  try {
    const out: string[] = [];
    for (let start = 0; start < bodies.length; start += PER_CALL) {
      const files = bodies.slice(start, start + PER_CALL).map((body, i) => {
        const file = join(dir, String(start + i));
        writeFileSync(file, body);
        return file;
      });
      // -r: one "<hex> *<file>" line per file, in argument order.
      const text = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-r', ...files], {
        encoding: 'utf8',
        maxBuffer: 16 << 20,
      });
      out.push(
        ...text
          .trim()
          .split('\n')
          .map((line) => `sha256=${line.split(' ')[0] ?? ''}`),
      );
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function opensslSignature(secret: string, body: string): string {
  return opensslSignatures(secret, [body])[0] ?? '';
}
