/**
 * A small XML reader for S3's answers (ListBucketResult, Error): elements, text, CDATA and the
 * five named entities plus numeric ones, decoded. No DTDs, no namespaces beyond ignoring
 * prefixes, attributes skipped. Throws XmlError with the offset of what it cannot read.
 */
export interface XmlElement {
  /** Local name (`ListBucketResult`), without a namespace prefix. */
  name: string;
  children: XmlElement[];
  /** Decoded text directly inside this element (not its children's). */
  text: string;
}

export class XmlError extends Error {
  override name = 'XmlError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes `&amp;`, `&#38;`, `&#x26;`…; an unknown or broken entity throws XmlError. */
export function decodeEntities(text: string, offset = 0): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]*);?/g, (whole, body: string, at: number) => {
    if (!whole.endsWith(';')) throw new XmlError(`"&" not followed by an entity`, offset + at);
    if (body in NAMED) return NAMED[body]!;
    const code = /^#x([0-9a-f]+)$/i.exec(body)
      ? parseInt(body.slice(2), 16)
      : /^#(\d+)$/.exec(body)
        ? parseInt(body.slice(1), 10)
        : NaN;
    if (!Number.isFinite(code) || code > 0x10ffff)
      throw new XmlError(`unknown entity "&${body};"`, offset + at);
    return String.fromCodePoint(code);
  });
}

/** Parses a document; returns its root element. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const text = (from: number, to: number) => {
    const top = stack[stack.length - 1];
    const raw = xml.slice(from, to);
    if (top) top.text += decodeEntities(raw, from);
    else if (raw.trim()) throw new XmlError('text outside the root element', from);
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      text(i, xml.length);
      break;
    }
    if (lt > i) text(i, lt);
    if (xml.startsWith('<?', lt)) {
      i = after(xml, '?>', lt);
    } else if (xml.startsWith('<!--', lt)) {
      i = after(xml, '-->', lt);
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = after(xml, ']]>', lt);
      const top = stack[stack.length - 1];
      if (!top) throw new XmlError('CDATA outside the root element', lt);
      top.text += xml.slice(lt + 9, end - 3);
      i = end;
    } else if (xml.startsWith('<!', lt)) {
      throw new XmlError('DTDs are not read', lt);
    } else if (xml.startsWith('</', lt)) {
      const end = after(xml, '>', lt);
      const name = localName(xml.slice(lt + 2, end - 1).trim());
      const open = stack.pop();
      if (!open || open.name !== name)
        throw new XmlError(
          open ? `</${name}> closes <${open.name}>` : `</${name}> closes nothing`,
          lt,
        );
      i = end;
    } else {
      const end = tagEnd(xml, lt);
      const inner = xml.slice(lt + 1, end - 1);
      const selfClosing = inner.endsWith('/');
      const m = /^([^\s/>]+)/.exec(inner);
      if (!m) throw new XmlError('a tag without a name', lt);
      const el: XmlElement = { name: localName(m[1]!), children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new XmlError('a second root element', lt);
      else root = el;
      if (!selfClosing) stack.push(el);
      i = end;
    }
  }
  if (stack.length) throw new XmlError(`<${stack[stack.length - 1]!.name}> is never closed`, i);
  if (!root) throw new XmlError('no element', 0);
  return root;
}

/** The first child named `name`, its text, or every child of that name. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}
export function childText(el: XmlElement, name: string): string | undefined {
  return child(el, name)?.text;
}
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

function after(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  if (at < 0) throw new XmlError(`"${token}" missing`, from);
  return at + token.length;
}

/** End of a start tag (after its `>`), skipping `>` inside quoted attribute values. */
function tagEnd(xml: string, lt: number): number {
  let quote = '';
  for (let j = lt + 1; j < xml.length; j++) {
    const c = xml[j]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j + 1;
  }
  throw new XmlError('a tag is never closed', lt);
}
