/**
 * `pom.properties` as Maven writes it: Java properties (`key=value` or `key: value`, `#`/`!`
 * comments). Escapes and continuation lines do not occur in the three keys vigil reads.
 */
export function parsePomProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m?.[1] !== undefined) out.set(m[1], m[2] ?? '');
  }
  return out;
}
