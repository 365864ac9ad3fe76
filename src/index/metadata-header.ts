// The line breaks parseCoreMetadata splits METADATA at, in the same order of preference.
const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * The header part of a METADATA text: everything before its first empty line (RFC 822 section 3.1;
 * core metadata 2.1+ puts the Description in the body behind it). parseCoreMetadata stops at that
 * line, so it reads the same fields, warnings and line numbers from the header as from the whole
 * text; the body, often a long README, is neither split into lines nor kept in the cache.
 *
 * @example metadataHeader('Name: a\nVersion: 1\n\n# A\n') // 'Name: a\nVersion: 1\n'
 */
export function metadataHeader(text: string): string {
  // parseCoreMetadata drops a leading byte order mark before it looks for lines.
  const start = text.startsWith('\uFEFF') ? 1 : 0;
  LINE_BREAK.lastIndex = start;
  let lineStart = start;
  for (let match = LINE_BREAK.exec(text); match !== null; match = LINE_BREAK.exec(text)) {
    // A break right where a line starts ends an empty line: the header ends before it.
    if (match.index === lineStart) return text.slice(0, lineStart);
    lineStart = match.index + match[0].length;
  }
  // No empty line inside: the header is the whole text (its last line, if empty, ends it anyway).
  return text;
}
