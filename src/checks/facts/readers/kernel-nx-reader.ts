import type { CollectContext } from '../collect-context.js';
import { factError, ok, type FactResult } from '../fact-model.js';
import { readKeyValue } from './key-value-reader.js';
import { readText } from './safe-text.js';

const NX_OFF = /(^|\s)noexec(32)?=off(\s|$)/;

/**
 * `kernel:nx` (no-execute pages, NX/DEP): `enabled`, `disabled` or `not-disabled`. A live host shows the
 * CPU flag (/proc/cpuinfo) and the running kernel's command line; a root filesystem only shows whether
 * the boot configuration turns it off (`noexec=off` in /etc/default/grub), so it says `not-disabled`.
 */
export async function readKernelNx(ctx: CollectContext): Promise<FactResult> {
  if (ctx.mode === 'host') {
    const cpu = await readText(ctx.resolver, '/proc/cpuinfo', 8 * 1024 * 1024);
    const cmdline = await readText(ctx.resolver, '/proc/cmdline', 64 * 1024);
    if (cpu.kind === 'error') return factError(cpu.reason);
    if (cmdline.kind === 'error') return factError(cmdline.reason);
    const flag = cpu.kind === 'text' && /^flags\s*:.*\snx(\s|$)/m.test(cpu.text);
    const off = cmdline.kind === 'text' && NX_OFF.test(cmdline.text);
    const value = flag && !off ? 'enabled' : 'disabled';
    const why = !flag
      ? 'the CPU does not report the nx flag'
      : off
        ? 'the kernel command line has noexec=off'
        : 'nx flag set, not turned off';
    return ok({ type: 'value', value, origin: `/proc/cpuinfo, /proc/cmdline (runtime): ${why}` });
  }
  for (const key of ['GRUB_CMDLINE_LINUX', 'GRUB_CMDLINE_LINUX_DEFAULT']) {
    const r = await readKeyValue('grub-default', key, ctx);
    if (r.status !== 'ok') return r;
    if (r.fact.type === 'value' && r.fact.value !== undefined && NX_OFF.test(r.fact.value)) {
      return ok({
        type: 'value',
        value: 'disabled',
        origin: `${r.fact.origin ?? key}: noexec=off (boot configuration)`,
      });
    }
  }
  return ok({
    type: 'value',
    value: 'not-disabled',
    origin: '/etc/default/grub (boot configuration only: the CPU flag needs a live host)',
  });
}
