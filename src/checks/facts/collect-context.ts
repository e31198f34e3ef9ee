import type { Resolver } from '../../source/resolver.js';
import type { TargetMode } from './fact-model.js';
import type { LiveHostProbe } from './live/live-host-probe.js';

/**
 * What every fact reader gets: the resolver (the only way to read the target), whether the target is a
 * live host, the read-only command probe (live hosts only, never under a root filesystem), and a memo
 * so that files shared by many facts (sysctl.d, sshd_config, passwd) are read and parsed once.
 */
export class CollectContext {
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    readonly resolver: Resolver,
    readonly mode: TargetMode,
    readonly probe?: LiveHostProbe,
  ) {}

  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let hit = this.memos.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = compute();
      this.memos.set(key, hit);
    }
    return hit;
  }
}
