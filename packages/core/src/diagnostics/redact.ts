/**
 * The one redaction function of the SDK: every error that leaves the client, and every
 * diagnostic payload, passes through a redactor that knows the client's secrets.
 */
import { percentEncode } from '../wire/form.js';

/** The text secrets are replaced with. */
export const REDACTED = '[REDACTED]';

/** Removes known secrets from text and errors. */
export interface Redactor {
  /** Adds a secret for the redactor's whole life (a password, a client secret). */
  add(secret: string): void;
  /**
   * Holds a secret learned at run time (a bearer token) until the returned function is called
   * (by each holder, once). A secret no one holds is kept while it is the newest one held, and
   * forgotten once a newer one has been held: a replaced token is dropped as soon as no call in
   * flight can use it, so a client that renews tokens for months keeps only a few.
   */
  hold(secret: string): () => void;
  /** `text` with every known secret, in any encoding it may travel in, replaced. */
  text(text: string): string;
  /** Scrubs an error's message, stack and cause chain in place, and returns it. */
  error<E>(error: E): E;
  /**
   * Headers fit for a log: credentials headers keep only their scheme (`Basic [REDACTED]`),
   * other values pass through {@link Redactor.text}.
   */
  headers(headers: Readonly<Record<string, string>>): Record<string, string>;
  /**
   * A request or response body fit for a log: {@link Redactor.text}, plus the values of token
   * and secret fields (`access_token`, `client_secret`, …) in JSON and form bodies, which may
   * hold a token the client has not yet learnt.
   */
  body(body: string): string;
}

const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'dpop',
]);
const SECRET_FIELDS = 'access_token|refresh_token|id_token|client_secret|password';
const JSON_SECRET_FIELD = new RegExp(`("(?:${SECRET_FIELDS})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'g');
const FORM_SECRET_FIELD = new RegExp(`(^|[&?])(${SECRET_FIELDS})=[^&]*`, 'g');

/**
 * The forms a secret may take on the wire or in a log: itself, percent-encoded,
 * form-encoded (`+` for space), JSON-escaped, XML-escaped, and base64 (a Basic header value
 * holds `user:password`).
 */
function variantsOf(secret: string): string[] {
  const variants = new Set<string>([secret]);
  try {
    variants.add(percentEncode(secret));
    variants.add(encodeURIComponent(secret));
    variants.add(percentEncode(secret).replace(/%20/g, '+'));
    variants.add(JSON.stringify(secret).slice(1, -1));
    variants.add(
      secret
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&apos;'),
    );
  } catch {
    // A secret that is not well-formed UTF-16 has no encoded forms.
  }
  return [...variants].filter((v) => v.length >= 3);
}

/**
 * Creates a redactor for the given secrets. `pairs` are `[user, password]` couples whose Basic
 * header value (base64 of `user:password`) is a secret too.
 */
export function createRedactor(
  secrets: readonly string[],
  pairs: ReadonlyArray<readonly [string, string]> = [],
): Redactor {
  // Each form to remove, with how many secrets (lasting or held) have it.
  const known = new Map<string, number>();
  const lasting = new Set<string>();
  const held = new Map<string, { holders: number; readonly variants: readonly string[] }>();
  let newest: string | undefined;
  const learn = (variants: readonly string[]): void => {
    for (const v of variants) known.set(v, (known.get(v) ?? 0) + 1);
  };
  const forget = (secret: string): void => {
    const entry = held.get(secret);
    if (entry === undefined) return;
    held.delete(secret);
    for (const v of entry.variants) {
      const count = (known.get(v) ?? 1) - 1;
      if (count === 0) known.delete(v);
      else known.set(v, count);
    }
  };
  const add = (secret: string): void => {
    if (secret.length === 0 || lasting.has(secret)) return;
    lasting.add(secret);
    learn(variantsOf(secret));
  };
  const noop = (): void => undefined;
  // Transports hold the same token on every call: only the first hold computes its forms.
  const hold = (secret: string): (() => void) => {
    if (secret.length === 0 || lasting.has(secret)) return noop;
    let entry = held.get(secret);
    if (entry === undefined) {
      // A new secret replaces the ones no call holds any more.
      for (const [other, { holders }] of held) if (holders === 0) forget(other);
      entry = { holders: 0, variants: variantsOf(secret) };
      held.set(secret, entry);
      learn(entry.variants);
      newest = secret;
    }
    const holding = entry;
    holding.holders += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      holding.holders -= 1;
      if (holding.holders === 0 && newest !== secret) forget(secret);
    };
  };
  for (const s of secrets) add(s);
  for (const [user, password] of pairs) {
    add(Buffer.from(`${user}:${password}`, 'utf8').toString('base64'));
    add(
      Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(password)}`, 'utf8').toString(
        'base64',
      ),
    );
  }

  function text(input: string): string {
    let out = input;
    for (const secret of known.keys()) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** Replaces a string property in place when it holds a secret, keeping its enumerability. */
  function scrubProperty(target: object, key: string): void {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor === undefined || typeof descriptor.value !== 'string') return;
    const clean = text(descriptor.value);
    if (clean !== descriptor.value) {
      Object.defineProperty(target, key, {
        ...descriptor,
        value: clean,
        writable: true,
        configurable: true,
      });
    }
  }

  function error<E>(err: E): E {
    let current: unknown = err;
    for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
      // message, stack, and every string field a server may have filled (faultString, oauthError, …).
      for (const key of Object.getOwnPropertyNames(current)) scrubProperty(current, key);
      if (!Object.hasOwn(current, 'message')) scrubProperty(current, 'message');
      current = current.cause;
    }
    return err;
  }

  function headers(input: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(input)) {
      if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
        const scheme = /^\s*([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1];
        out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
      } else out[name] = text(value);
    }
    return out;
  }

  function body(input: string): string {
    return text(input)
      .replace(JSON_SECRET_FIELD, `$1"${REDACTED}"`)
      .replace(FORM_SECRET_FIELD, `$1$2=${REDACTED}`);
  }

  return { add, hold, text, error, headers, body };
}
