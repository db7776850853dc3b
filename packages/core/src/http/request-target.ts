/**
 * The `origin` and `path` that undici's `dispatch()` takes, from a request's absolute URL, as
 * `new URL(url)` gives them (WHATWG URL): `origin`, and `pathname` + `search`.
 */

/** Where a request goes, as undici's dispatch options name it. */
export interface RequestTarget {
  /** The scheme, host and port, e.g. `https://www.afilnet.com`. */
  readonly origin: string;
  /** The path and query, e.g. `/api/http/?class=chat`. */
  readonly path: string;
}

/**
 * Characters that WHATWG URL's query state copies unchanged (it percent-encodes none of them,
 * and none of them ends the query). Form-encoded queries, which every built-in transport
 * writes, hold nothing else.
 */
const VERBATIM_QUERY = /^[A-Za-z0-9\-._~%=&+]*$/;

/**
 * Creates a reader of request targets for one executor. It throws what `new URL(url)` throws
 * (a `TypeError` for a URL that is not absolute).
 *
 * Parsing a URL is a measurable part of a call's own cost, and a client sends every request of
 * a transport to one endpoint: the endpoint (the URL before its query) is parsed once and kept,
 * and a query made only of characters the URL parser leaves as they are is appended as is. Any
 * other URL is parsed whole. That the two ways give the same target is a property test
 * (request-target.test.ts).
 */
export function createRequestTargets(): (url: string) => RequestTarget {
  let endpoint: string | undefined;
  let origin = '';
  let pathname = '';
  let whole: RequestTarget | undefined;
  return (url) => {
    const mark = url.indexOf('?');
    const head = mark < 0 ? url : url.slice(0, mark);
    // An empty query (`…?`) or one the parser would rewrite goes the whole way.
    const query = mark < 0 ? '' : url.slice(mark);
    if (mark >= 0 && (query.length === 1 || !VERBATIM_QUERY.test(query.slice(1))))
      return parseWhole(url);
    if (head !== endpoint) {
      const parsed = new URL(head);
      // An endpoint with a fragment, or one the parser gave a query of its own, is not kept.
      if (parsed.search !== '' || parsed.hash !== '' || head.includes('#')) return parseWhole(url);
      endpoint = head;
      origin = parsed.origin;
      pathname = parsed.pathname;
      whole = { origin, path: pathname };
    }
    return mark < 0 ? (whole as RequestTarget) : { origin, path: pathname + query };
  };
}

function parseWhole(url: string): RequestTarget {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}
