import type { PackageDraft } from '../../core/package.js';
import { rubyString, rubyStringArray } from './ruby-literal.js';

/**
 * An installed gem's specification (`specifications/NAME-VERSION.gemspec`, written by RubyGems as
 * Ruby source). Read, never executed: the `name`/`version` assignments of the
 * `Gem::Specification.new do |s|` block, with the `# stub:` header line as a fallback.
 */
export function parseGemspec(text: string): PackageDraft | undefined {
  const v = /Gem::Specification\.new\s*(?:do|\{)\s*\|\s*(\w+)\s*\|/.exec(text)?.[1];
  const assigned = (field: string): string | undefined => {
    if (!v) return undefined;
    const re = new RegExp(`^\\s*${v}\\.${field}\\s*=\\s*(.+?)\\s*(?:\\bif\\b.*)?$`, 'm');
    return re.exec(text)?.[1];
  };
  const stub = /^# stub: (\S+) (\S+) (\S+)/m.exec(text);
  const name = literal(assigned('name')) ?? stub?.[1];
  const version = versionLiteral(assigned('version')) ?? stub?.[2];
  if (!name || !version) return undefined;
  const draft: PackageDraft = { name, version, ecosystem: 'gem', scope: 'installed' };
  const licenses = licensesOf(assigned('licenses'), assigned('license'));
  if (licenses.length > 0) draft.licenses = licenses;
  const platform = literal(assigned('platform')) ?? stub?.[3];
  if (platform && platform !== 'ruby') draft.metadata = { platform };
  return draft;
}

function literal(expr: string | undefined): string | undefined {
  return expr === undefined ? undefined : rubyString(expr);
}

/** `"1.2.3"` or `Gem::Version.new("1.2.3")`. */
function versionLiteral(expr: string | undefined): string | undefined {
  if (expr === undefined) return undefined;
  const wrapped = /^Gem::Version\.new\((.*)\)$/.exec(expr.trim());
  return rubyString(wrapped?.[1] ?? expr);
}

function licensesOf(many: string | undefined, one: string | undefined): string[] {
  if (many !== undefined) return rubyStringArray(many);
  const single = literal(one);
  return single ? [single] : [];
}
