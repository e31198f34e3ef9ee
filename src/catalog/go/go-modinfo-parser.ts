/** One module line of Go's module info (`mod`, `dep`, or the `=>` replacement that follows one). */
export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

/** The text `go version -m` prints, parsed (cmd/go's `debug.BuildInfo` String format). */
export interface GoModInfo {
  /** Package path of the main package: present even in GOPATH builds, which have no `mod` line. */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** `build` lines: `-trimpath=true`, `GOOS=linux`, `vcs.revision=…`. */
  build: Map<string, string>;
}

/**
 * Parses module info line by line; unknown line kinds are skipped, as newer toolchains may add some.
 * A `=>` line replaces the module line right before it.
 */
export function parseGoModInfo(text: string): GoModInfo {
  const info: GoModInfo = { deps: [], build: new Map() };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const [kind, ...rest] = line.split('\t');
    switch (kind) {
      case 'path':
        info.path = rest.join('\t');
        break;
      case 'mod':
        info.main = last = moduleOf(rest);
        break;
      case 'dep':
        last = moduleOf(rest);
        info.deps.push(last);
        break;
      case '=>':
        if (last) last.replace = moduleOf(rest);
        last = undefined;
        break;
      case 'build': {
        const kv = rest.join('\t');
        const eq = kv.indexOf('=');
        if (eq > 0) info.build.set(kv.slice(0, eq), kv.slice(eq + 1));
        break;
      }
      default:
        break;
    }
  }
  return info;
}

function moduleOf(fields: string[]): GoModule {
  const [path = '', version = '', sum = ''] = fields;
  return sum ? { path, version, sum } : { path, version };
}
