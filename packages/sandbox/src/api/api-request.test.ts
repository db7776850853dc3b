import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiRequestOf } from './api-request.js';

const SOAP_URL = new URL('http://127.0.0.1/api/soap/');

function post(): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  return req;
}

const soapMethod = (body: string) => apiRequestOf(post(), SOAP_URL, body)?.method;

/** How long one call of `run` takes, in ms: the fastest of a few rounds, each long enough for the clock. */
function msPerCall(run: () => void, enough = 0): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3 && fastest > enough; round++) {
    const started = performance.now();
    let calls = 0;
    do {
      run();
      calls++;
    } while (performance.now() - started < 20);
    fastest = Math.min(fastest, (performance.now() - started) / calls);
  }
  return fastest;
}

describe('apiRequestOf: the SOAP operation', () => {
  it.each([
    [
      'a prefixed Body and wrapper',
      '<s:Envelope xmlns:s="x"><s:Header/><s:Body><c:sendmessage xmlns:c="urn:afilnet:chat"/></s:Body></s:Envelope>',
      'sendmessage',
    ],
    [
      'no prefixes, attributes and white space',
      '<Envelope><Body id="b" >\n  <getchats xmlns="urn:afilnet:chat"/></Body></Envelope>',
      'getchats',
    ],
    [
      'a BodyPart before the Body',
      '<e:Envelope><e:BodyPart><x/></e:BodyPart><e:Body><getmessages/></e:Body></e:Envelope>',
      'getmessages',
    ],
    [
      'a Body holding text first',
      '<Envelope><Body>text<getchats/></Body><Body><sendfile/></Body></Envelope>',
      'sendfile',
    ],
    ['no Body', '<Envelope><Header/></Envelope>', ''],
    ['an unterminated Body tag', '<Envelope><Body', ''],
  ])('is read from %s', (_label, body, method) => {
    expect(soapMethod(body)).toBe(method);
  });

  it('is found in time linear in the body, whatever it holds (no backtracking pattern)', () => {
    const size = 200 * 1024;
    // A valid envelope whose operation comes after a large header: the scan crosses the whole body.
    const header = '<h:Note xmlns:h="urn:h">a note</h:Note>'.repeat(Math.ceil(size / 38));
    const plain = `<s:Envelope xmlns:s="x"><s:Header>${header}</s:Header><s:Body><c:getchats xmlns:c="urn:afilnet:chat"/></s:Body></s:Envelope>`;
    const repeated = '<Body'.repeat(Math.ceil(plain.length / 5));
    expect(soapMethod(plain)).toBe('getchats');
    expect(soapMethod(repeated)).toBe('');
    const plainMs = msPerCall(() => soapMethod(plain));
    expect(msPerCall(() => soapMethod(repeated), plainMs * 2) / plainMs).toBeLessThan(10);
  });
});
