import { describe, expect, it } from 'vitest';
import { encodeForm } from './encode-form.js';
import { createFormEncoder } from './form-encoder.js';
import type { WireRequest } from './transport.js';
import { wireFields } from './wire-fields.js';

describe('createFormEncoder', () => {
  const credentials = { user: 'a+b@example.com', password: "p&=!'()*" };
  const requests: WireRequest[] = [
    { method: 'getchatchannels', params: [] },
    { method: 'sendmessage', params: [['platform', 'whatsapp'], ['platformid', '1'], ['destination', 'd'], ['message', 'x y+z']] },
    { method: 'sendmessage', params: [['platform', 'telegram'], ['platformid', '2'], ['destination', 'e'], ['message', '😀']] },
  ];
  it.each([[credentials], [undefined]])('gives exactly encodeForm(wireFields(...)) (credentials %#)', (creds) => {
    const encode = createFormEncoder(creds);
    for (const request of [...requests, ...requests]) {
      expect(encode(request)).toBe(encodeForm(wireFields(request, creds)));
    }
  });
});
