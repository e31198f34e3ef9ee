import { call } from '../api-server.js';
import type { SeedContext, SeededIds } from './seed-context.js';

/** Account B's VEX document, uploaded with B's admin key: the isolation walk aims A's keys at {vexId}. */
export async function seedVex({ s }: SeedContext): Promise<SeededIds> {
  const r = await call(s.base, s.keys.adminB, 'POST', '/v1/accounts/acct-b/vex', {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://vigil.example/vex/isolation-seed',
    author: 'isolation seed',
    timestamp: '2026-03-01T00:00:00Z',
    version: 1,
    statements: [
      { vulnerability: { name: 'CVE-0000-0000' }, products: [{ '@id': 'pkg:npm/nothing' }], status: 'fixed' },
    ],
  });
  if (r.status !== 201) throw new Error(`seed: VEX document not created (${r.status})`);
  return { vexId: (r.json as { document: { id: string } }).document.id };
}
