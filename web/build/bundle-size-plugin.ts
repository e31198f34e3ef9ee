import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** What a browser downloads before the first page can render: the entry chunk and its static imports. */
interface ChunkInfo {
  type: 'chunk';
  fileName: string;
  code: string;
  isEntry: boolean;
  imports: string[];
}

/**
 * Prints the first-load JS (entry chunk plus every chunk it imports statically, gzipped at level 9,
 * as a server would send it) and fails the build when it is over the budget. Lazy page chunks are
 * listed apart: they load when their page is opened.
 */
export function bundleSizePlugin(budgetKiB: number): Plugin {
  return {
    name: 'vigil-bundle-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, ChunkInfo>();
      for (const item of Object.values(bundle)) {
        if (item.type === 'chunk') chunks.set(item.fileName, item);
      }
      const gz = (c: ChunkInfo): number => gzipSync(c.code, { level: 9 }).length;
      const first = new Set<string>();
      const visit = (name: string): void => {
        if (first.has(name)) return;
        first.add(name);
        for (const dep of chunks.get(name)?.imports ?? []) visit(dep);
      };
      for (const c of chunks.values()) if (c.isEntry) visit(c.fileName);
      let total = 0;
      for (const name of first) total += gz(chunks.get(name) as ChunkInfo);
      let lazy = 0;
      for (const c of chunks.values()) if (!first.has(c.fileName)) lazy += gz(c);
      const kib = (n: number): string => (n / 1024).toFixed(1);
      const line =
        `first-load JS: ${kib(total)} KiB gzipped in ${first.size} chunk(s) (budget ${budgetKiB} KiB); ` +
        `lazy page chunks: ${kib(lazy)} KiB gzipped in ${chunks.size - first.size} chunk(s)`;
      // The build log is where the figure is read (issue 14): stdout, not a warning channel.
      console.log(line);
      if (total > budgetKiB * 1024) this.error(`first-load JS over budget: ${line}`);
    },
  };
}
