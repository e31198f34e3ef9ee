import { XMLParser } from 'fast-xml-parser';

export type XmlNode = Record<string, unknown>;

const ITEM_LISTS = new Set(['ItemGroup', 'PropertyGroup', 'PackageReference', 'PackageVersion', 'package']);

/** MSBuild and NuGet XML: attributes as plain keys, every item list an array, values as written. */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  isArray: (name) => ITEM_LISTS.has(name),
});

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

export function nodes(parent: unknown, name: string): XmlNode[] {
  if (typeof parent !== 'object' || parent === null) return [];
  const v = (parent as XmlNode)[name];
  return Array.isArray(v) ? v.filter((x): x is XmlNode => typeof x === 'object' && x !== null) : [];
}

/** An attribute or a child element of the same name (`<Version>1.0</Version>`), case as MSBuild writes it. */
export function field(node: XmlNode, name: string): string | undefined {
  for (const [k, v] of Object.entries(node)) {
    if (k.toLowerCase() !== name.toLowerCase()) continue;
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'object' && v !== null && typeof (v as XmlNode)['#text'] === 'string')
      return ((v as XmlNode)['#text'] as string).trim();
  }
  return undefined;
}
