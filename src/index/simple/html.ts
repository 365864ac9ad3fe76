/** One anchor of a PEP 503 project page, with its PEP 592/658/714 data attributes. */
export interface SimpleHtmlAnchor {
  readonly text: string;
  readonly href: string;
  readonly attributes: ReadonlyMap<string, string>;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the HTML character references an index page uses (`&gt;=3.8`, `&#39;`, `&#x3c;`). */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = match[1]!.toLowerCase();
    // HTML: a bare attribute (`data-yanked`) has the empty string as its value.
    const value = match[2] ?? match[3] ?? match[4] ?? '';
    if (!attributes.has(name)) attributes.set(name, decodeHtmlEntities(value));
  }
  return attributes;
}

/**
 * The anchors of a PEP 503 page and its `<base href>` if any. Index pages are machine-written
 * and simple (PEP 503: "a single anchor element per file"), so a tolerant scanner is enough; it
 * accepts any attribute order and quoting, and ignores comments.
 */
export function parseSimpleHtml(html: string): { base: string | null; anchors: SimpleHtmlAnchor[] } {
  const source = html.replace(/<!--[\s\S]*?-->/g, '');
  const baseMatch = /<base\b([^>]*)>/i.exec(source);
  const base = baseMatch ? (parseAttributes(baseMatch[1]!).get('href') ?? null) : null;
  const anchors: SimpleHtmlAnchor[] = [];
  for (const match of source.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi)) {
    const attributes = parseAttributes(match[1]!);
    const href = attributes.get('href');
    if (href === undefined) continue;
    const text = decodeHtmlEntities(match[2]!.replace(/<[^>]*>/g, '')).trim();
    anchors.push({ text, href, attributes });
  }
  return { base, anchors };
}
