import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A real ELF from the C compiler with a `.dep-v0` section added by binutils, the section
 * cargo-auditable's linker step writes (zlib-compressed JSON). Returns the path of the audited binary;
 * the plain one stays beside it as `hello`.
 */
export function auditableBinary(dir: string, section: Buffer): string {
  writeFileSync(join(dir, 'hello.c'), 'int main(void) { return 0; }\n');
  execFileSync('cc', ['-o', join(dir, 'hello'), join(dir, 'hello.c')], { stdio: 'pipe' });
  writeFileSync(join(dir, 'dep-v0.bin'), section);
  execFileSync(
    'objcopy',
    [
      '--add-section',
      `.dep-v0=${join(dir, 'dep-v0.bin')}`,
      '--set-section-flags',
      '.dep-v0=noload,readonly',
      join(dir, 'hello'),
      join(dir, 'audited'),
    ],
    { stdio: 'pipe' },
  );
  return join(dir, 'audited');
}
