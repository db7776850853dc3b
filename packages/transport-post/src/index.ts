/** `@afilnet-chat/transport-post`: the HTTP POST flavour of the Afilnet Web Chat API. */

export {
  createPostTransport,
  FORM_CONTENT_TYPE,
  type PostTransportOptions,
} from './create-post-transport.js';
