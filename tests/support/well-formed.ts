/** A small XML well-formedness check for the SVG the kata writes (no parser dependency). */

/** Throws unless every tag is closed in order and every `&` starts an entity; returns the tag names, in order. */
export function tagsOf(xml: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m as unknown as [string, string, string, string];
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at offset ${m.index}`);
    } else {
      seen.push(name);
      if (!selfClosing) stack.push(name);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed tags: ${stack.join(', ')}`);
  const stray = /&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/.exec(xml);
  if (stray) throw new Error(`a bare & at offset ${stray.index}: ${xml.slice(stray.index, stray.index + 20)}`);
  return seen;
}
