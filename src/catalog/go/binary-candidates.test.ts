import { describe, expect, it } from 'vitest';
import { mayBeProgram } from './binary-candidates.js';

describe('mayBeProgram', () => {
  it('needs an execute bit when the mode is known', () => {
    expect(mayBeProgram({ path: '/usr/lib/tool', size: 4096, mode: 0o100644 })).toBe(false);
    expect(mayBeProgram({ path: '/usr/lib/tool', size: 4096, mode: 0o100755 })).toBe(true);
    expect(mayBeProgram({ path: '/usr/lib/tool', size: 4096, mode: 0o100700 })).toBe(true);
  });

  it('falls back to name and size when the mode is unknown', () => {
    expect(mayBeProgram({ path: '/usr/bin/tool', size: 4096 })).toBe(true);
    expect(mayBeProgram({ path: '/usr/lib/libx.so.1', size: 4096 })).toBe(false);
    expect(mayBeProgram({ path: '/usr/bin/tiny', size: 10 })).toBe(false);
  });
});
