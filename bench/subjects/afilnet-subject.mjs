/**
 * The official `afilnet` npm package, pointed at the responder through its `url` property. It
 * has no chat class, so its form POSTs of the same shape stand in: `sms.send` (four fields and
 * a message, like sendmessage) and `sms.getDeliveryStatus` (answered with the same channel list
 * as getchatchannels, which it parses with JSON.parse as it parses every answer).
 */
import { createRequire } from 'node:module';
import { CREDENTIALS, SEND_MESSAGE_INPUT } from './bench-input.mjs';

const require = createRequire(import.meta.url);

export async function setup({ baseUrl }) {
  const afilnet = require('afilnet');
  afilnet.url = `${baseUrl}/api/http/`;
  afilnet.setConfig(CREDENTIALS.user, CREDENTIALS.password);
  const { destination, message } = SEND_MESSAGE_INPUT;
  return {
    call(method) {
      return new Promise((resolve) => {
        if (method === 'sendmessage')
          afilnet.sms.send(destination, message, 'bench', null, null, resolve);
        else afilnet.sms.getDeliveryStatus('1', resolve);
      });
    },
    close: async () => undefined,
  };
}
