/** `@scope/name@range` or `name@range` → [name, range]; the first `@` of a scoped name is not the separator. */
export function splitNameSpec(spec: string): [string, string] {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at < 0 ? [spec, ''] : [spec.slice(0, at), spec.slice(at + 1)];
}

/** The package name after the last `node_modules/` of a lockfile or install path. */
export function nameFromNodeModulesPath(path: string): string | undefined {
  const i = path.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const rest = path.slice(i + 'node_modules/'.length);
  const parts = rest.split('/');
  if (parts[0]?.startsWith('@')) return parts.length === 2 ? rest : undefined;
  return parts.length === 1 ? rest : undefined;
}

/** npm's own rule (validate-npm-package-name, loosely): rejects fixture junk that is not a registry name. */
export function isPlausibleNpmName(name: string): boolean {
  return /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9_.~-][\w.~-]*$/i.test(name) && name.length <= 214;
}

/** A path inside an installed package tree: lockfiles there are the installed package's, not the project's. */
export const INSIDE_NODE_MODULES = /(^|\/)node_modules\//;
