/**
 * The secrets a leak scan looks for, in every form they travel in (docs/behaviour.md#secrets): as given,
 * percent-encoded, form-encoded, and inside a Basic header value both as RFC 7617 sends it (raw
 * UTF-8) and as RFC 6749 §2.3.1 sends it (form-urlencoded before base64).
 */
import { expect } from 'vitest';
import { textFormsOf } from './collect-errors.js';
import { referencePercentEncode } from './reference-encoding.js';

/** A password with every character that encodings change: `@ + / =` (URL, base64) and `& <` (XML). */
export const LEAK_PASSWORD = 's3cr3t-P@ss+word/=&<x';
/** A second distinctive password, for calls made with a wrong one. */
export const WRONG_PASSWORD = 'wr0ng-P@ss+word/=';
export const LEAK_USER = 'leak.check@example.com';
export const LEAK_CLIENT_ID = 'leak-client@example.com';
export const LEAK_CLIENT_SECRET = 'cl13nt-S3cr3t+/=&x';

export interface Needle {
  readonly label: string;
  readonly value: string;
}

const formEncode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
const xmlEscape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function encodings(label: string, secret: string): Needle[] {
  return [
    { label, value: secret },
    { label: `${label} (percent-encoded)`, value: referencePercentEncode(secret) },
    { label: `${label} (encodeURIComponent)`, value: encodeURIComponent(secret) },
    { label: `${label} (form-encoded)`, value: formEncode(secret) },
    { label: `${label} (JSON string)`, value: JSON.stringify(secret).slice(1, -1) },
    { label: `${label} (XML-escaped)`, value: xmlEscape(secret) },
  ];
}

function basicValues(label: string, id: string, secret: string): Needle[] {
  return [
    { label: `${label} Basic value (RFC 7617)`, value: base64(`${id}:${secret}`) },
    {
      label: `${label} Basic value (RFC 6749 form-encoded)`,
      value: base64(`${formEncode(id)}:${formEncode(secret)}`),
    },
    {
      label: `${label} Basic value (RFC 6749 percent-encoded)`,
      value: base64(`${referencePercentEncode(id)}:${referencePercentEncode(secret)}`),
    },
  ];
}

/** Every needle for an account, optional OAuth client and the bearer tokens issued. */
export function secretNeedles(options: {
  readonly user: string;
  readonly passwords: readonly string[];
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly tokens?: readonly string[];
}): Needle[] {
  const needles: Needle[] = [];
  for (const password of options.passwords) {
    needles.push(
      ...encodings('password', password),
      ...basicValues('password', options.user, password),
    );
  }
  if (options.clientSecret !== undefined) {
    needles.push(...encodings('client secret', options.clientSecret));
    needles.push(
      ...basicValues('client secret', options.clientId ?? options.user, options.clientSecret),
    );
  }
  for (const token of options.tokens ?? []) needles.push({ label: 'bearer token', value: token });
  // Keep each distinct value once (several encodings coincide for some secrets).
  return needles.filter((n, i) => needles.findIndex((m) => m.value === n.value) === i);
}

/** Every `form: needle` found in any text form of `error`. */
export function findLeaks(error: unknown, needles: readonly Needle[]): string[] {
  const found: string[] = [];
  for (const { form, text } of textFormsOf(error)) {
    for (const needle of needles) {
      if (text.includes(needle.value)) found.push(`${form} contains the ${needle.label}`);
    }
  }
  return found;
}

export function expectNoSecrets(error: unknown, needles: readonly Needle[]): void {
  expect(findLeaks(error, needles)).toEqual([]);
}
