/** The API's front doors, one per flavour, and the request log's writer. */
export type { ApiAnswer, ApiDoor } from './api-door.js';
export { apiRequestOf, type ApiRequest } from './api-request.js';
export { createBasicDoor } from './basic-door.js';
export { createHttpDoor } from './http-door.js';
export { createJsonDoor, type ExternalTokenVerifier } from './json-door.js';
export { createOAuthMetadataDoor } from './oauth-metadata-door.js';
export { createOAuthTokenDoor } from './oauth-token-door.js';
export { recordApiCall } from './record-api-call.js';
export { createSoapDoor } from './soap-door.js';
