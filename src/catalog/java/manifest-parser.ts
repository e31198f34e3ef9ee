/**
 * The main section of a JAR manifest (`META-INF/MANIFEST.MF`): `Name: value` lines, a line starting
 * with one space continues the previous value (72-byte wrapping), and a blank line ends the section.
 */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line === '') {
      if (out.size > 0) break;
      continue;
    }
    if (line.startsWith(' ') && key) {
      out.set(key, (out.get(key) ?? '') + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    key = line.slice(0, colon).trim();
    out.set(key, line.slice(colon + 1).trim());
  }
  return out;
}
