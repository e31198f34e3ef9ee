import { randomUUID } from 'node:crypto';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';

/** List elements per chunk: small enough that a chunk is a young-generation string (large strings go straight to the old generation, freed only by a full collection), large enough for few writes. */
const BATCH = 64;
const OPTIONS = { sortLists: true };

/**
 * The text `JsonSerializer.serialize(bom, { sortLists: true, space: 2 })` returns for CycloneDX 1.5,
 * in pieces. The library normalizes the whole document into one object tree and stringifies it: for a
 * host's twenty thousand components that tree and its string are most of the process's peak memory.
 * Here the library still normalizes every part (the document without its two long lists, then each
 * component and each dependency entry), and only the lists are stringified element by element. A test
 * holds the joined chunks equal to the library's own output.
 *
 * The serializer first makes bom-refs unique (renaming duplicates and empty ones); when any is, this
 * gives the library's output whole instead.
 */
export function* cyclonedxJsonChunks(bom: Models.Bom): Generator<string> {
  const factory = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot5);
  if (!hasUniqueBomRefs(bom)) {
    yield new Serialize.JsonSerializer(factory).serialize(bom, { ...OPTIONS, space: 2 }) + '\n';
    return;
  }
  const dependencies = factory.makeForDependencyGraph().normalize(bom, OPTIONS);
  const components = bom.components.sorted();
  const token = `\u0000${randomUUID()}`;
  // The document without its components: the list is swapped out for the call, then put back.
  const all = bom.components;
  bom.components = new Models.ComponentRepository();
  let skeleton: Record<string, unknown>;
  try {
    skeleton = factory.makeForBom().normalize(bom, OPTIONS) as unknown as Record<string, unknown>;
  } finally {
    bom.components = all;
  }
  skeleton['components'] = `${token}:components`;
  skeleton['dependencies'] = `${token}:dependencies`;
  const text = JSON.stringify(skeleton, null, 2) + '\n';
  const [head = '', middle = '', tail = ''] = splitAt(text, [
    JSON.stringify(`${token}:components`),
    JSON.stringify(`${token}:dependencies`),
  ]);
  const component = factory.makeForComponent();
  yield head;
  yield* list(components, (c) => component.normalize(c, OPTIONS));
  yield middle;
  yield* list(dependencies ?? [], (d) => d);
  yield tail;
}

/** A list as JSON.stringify(…, null, 2) writes it as the value of a top-level key. */
function* list<T>(items: readonly T[], normalize: (item: T) => unknown): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items
      .slice(start, start + BATCH)
      .map((item) => `    ${JSON.stringify(normalize(item), null, 2).replace(/\n/g, '\n    ')}`);
    const end = start + BATCH >= items.length;
    yield (start === 0 ? '[\n' : ',\n') + batch.join(',\n') + (end ? '\n  ]' : '');
  }
}

function splitAt(text: string, markers: readonly string[]): string[] {
  const parts: string[] = [];
  let rest = text;
  for (const m of markers) {
    const at = rest.indexOf(m);
    if (at < 0) throw new Error(`cyclonedx chunks: marker missing from the skeleton`);
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + m.length);
  }
  parts.push(rest);
  return parts;
}

/** Every bom-ref the serializer would check is set, non-empty and distinct (so it would rename none). */
function hasUniqueBomRefs(bom: Models.Bom): boolean {
  const seen = new Set<string>(['']);
  const refs: Models.BomRef[] = [];
  const visit = (components: Iterable<Models.Component>): void => {
    for (const c of components) {
      refs.push(c.bomRef);
      visit(c.components);
    }
  };
  // vigil's documents have neither; the check stays simple by refusing them.
  if (bom.services.size > 0 || bom.vulnerabilities.size > 0) return false;
  if (bom.metadata.component) visit([bom.metadata.component]);
  visit(bom.components);
  for (const r of refs) {
    if (r.value === undefined || seen.has(r.value)) return false;
    seen.add(r.value);
  }
  return true;
}
