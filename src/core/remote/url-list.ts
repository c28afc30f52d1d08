import { redactUrl } from './redact';
import { targetOf, type RemoteTarget } from './s3-url';

/** One pasted line that is a URL Decant can read. */
export interface PastedUrl {
  /** 1-based line of the pasted text. */
  line: number;
  target: RemoteTarget;
}

/** A pasted line that is not one; `text` is the line as shown (query string cut). */
export interface LineProblem {
  line: number;
  text: string;
  message: string;
}

/**
 * Reads a pasted list of URLs, one per line. Blank lines and lines starting with `#` are
 * skipped; surrounding quotes or angle brackets are dropped. A line that is not an http(s) URL,
 * an `s3://` path (a browser cannot sign requests) or a repeat of an earlier line is a problem,
 * with its line number.
 */
export function parseUrlList(text: string): { urls: PastedUrl[]; problems: LineProblem[] } {
  const urls: PastedUrl[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = i + 1;
    const t = raw
      .trim()
      .replace(/^(["'<])(.*)(["'>])$/, '$2')
      .trim();
    if (!t || t.startsWith('#')) return;
    const problem = (message: string) => problems.push({ line, text: redactUrl(t), message });
    if (/^s3:\/\//i.test(t)) {
      problem(
        'an s3:// path needs credentials a browser does not have; paste a presigned https:// URL ' +
          `instead (aws s3 presign ${t.split(/[?#]/)[0]})`,
      );
      return;
    }
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      problem('not a URL (expected https://…)');
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      problem(`a ${url.protocol} URL cannot be read; expected https:// or http://`);
      return;
    }
    if (url.username || url.password) {
      problem('URLs with a user name or password are not sent; use a presigned URL');
      return;
    }
    url.hash = '';
    const earlier = seen.get(url.href);
    if (earlier !== undefined) {
      problem(`the same URL as line ${earlier}`);
      return;
    }
    seen.set(url.href, line);
    urls.push({ line, target: targetOf(url) });
  });
  return { urls, problems };
}
