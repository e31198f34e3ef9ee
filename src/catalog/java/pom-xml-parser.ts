import { XMLParser } from 'fast-xml-parser';

export interface PomCoordinates {
  groupId?: string;
  artifactId?: string;
  version?: string;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, processEntities: false });

/**
 * The coordinates a `pom.xml` declares: its own groupId/version, or its parent's when it inherits them
 * (Maven's rule). A value that is still a property reference (`${revision}`) is not a coordinate.
 */
export function parsePomXml(text: string): PomCoordinates {
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch {
    return {};
  }
  const project = field(doc, 'project');
  const parent = field(project, 'parent');
  const out: PomCoordinates = {};
  const groupId = literal(field(project, 'groupId')) ?? literal(field(parent, 'groupId'));
  const artifactId = literal(field(project, 'artifactId'));
  const version = literal(field(project, 'version')) ?? literal(field(parent, 'version'));
  if (groupId) out.groupId = groupId;
  if (artifactId) out.artifactId = artifactId;
  if (version) out.version = version;
  return out;
}

function field(node: unknown, name: string): unknown {
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[name] : undefined;
}

function literal(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s && !s.includes('${') ? s : undefined;
}
