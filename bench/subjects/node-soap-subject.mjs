/**
 * node-soap (`soap` package) calling the same operations from a WSDL of the same contract, with
 * its own WS-Security UsernameToken (PasswordText, as our default).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CREDENTIALS, SEND_MESSAGE_INPUT } from './bench-input.mjs';

const require = createRequire(import.meta.url);
const WSDL_PATH = fileURLToPath(new URL('../responder/chat.wsdl', import.meta.url));

export async function setup({ baseUrl }) {
  const soap = require('soap');
  const client = await soap.createClientAsync(WSDL_PATH, { endpoint: `${baseUrl}/api/soap/` });
  client.setSecurity(
    new soap.WSSecurity(CREDENTIALS.user, CREDENTIALS.password, {
      passwordType: 'PasswordText',
      hasTimeStamp: false,
      hasTokenCreated: false,
      hasNonce: false,
    }),
  );
  const { platform, platformId, destination, message } = SEND_MESSAGE_INPUT;
  const sendArgs = { platform, platformid: platformId, destination, message };
  return {
    async call(method) {
      const [result] =
        method === 'sendmessage'
          ? await client.sendmessageAsync(sendArgs)
          : await client.getchatchannelsAsync({});
      return result;
    },
    close: async () => undefined,
  };
}
