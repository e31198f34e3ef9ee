import { ParseError } from '../../core/errors/parse-error.js';
import type { ParseResult } from '../cataloger.js';
import { defineCataloger } from '../define-cataloger.js';

/**
 * Java archives (jar, war, ear, and Jenkins plugins jpi/hpi): Maven coordinates from pom.properties,
 * the manifest as a fallback, nested archives recursively. The zip is read through positional reads
 * of its central directory, never whole. The archive reader (and its XML parser) loads on first use.
 */
export const javaArchiveCataloger = defineCataloger({
  name: 'java-archive',
  // 2: issue 11's fixes changed what it reports (image layer caches keyed by version are refreshed).
  version: 2,
  ecosystem: 'maven',
  tags: ['language', 'installed'],
  globs: ['**/*.jar', '**/*.war', '**/*.ear', '**/*.jpi', '**/*.hpi'],
  async parse(file): Promise<ParseResult> {
    const reader = await file.open();
    try {
      const { scanJavaArchive } = await import('./java-archive-parser.js');
      const result = await scanJavaArchive(reader, file.path);
      if (!result) throw new ParseError('java archive', file.path, 'no zip central directory');
      return result;
    } finally {
      await reader.close();
    }
  },
});
