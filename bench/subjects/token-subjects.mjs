/**
 * The cost of one OAuth 2.0 client-credentials token request (RFC 6749 §4.4) with
 * `client_secret_basic`: raw undici (the limit), oauth4webapi (the library our json-oauth
 * transport is built on) over global fetch and over undici.request, and simple-oauth2 (a popular
 * alternative). Each call is one
 * complete request: no cache in front of it.
 */
import { createRequire } from 'node:module';
import { CREDENTIALS } from './bench-input.mjs';

const require = createRequire(import.meta.url);
const TOKEN_PATH = '/api/oauth/token';

// oauth4webapi is a dependency of the json-oauth package, not of the workspace root.
const OAUTH4WEBAPI_ENTRY = new URL(
  '../../packages/transport-json-oauth/node_modules/oauth4webapi/build/index.js',
  import.meta.url,
);

/** RFC 6749 §2.3.1: id and secret form-urlencoded, then Base64 of `id:secret`. */
function basicClientAuth() {
  const encode = (s) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(CREDENTIALS.user)}:${encode(CREDENTIALS.password)}`).toString('base64')}`;
}

async function rawUndici(baseUrl) {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const options = {
    method: 'POST',
    headers: {
      authorization: basicClientAuth(),
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      accept: 'application/json',
    },
    body: Buffer.from('grant_type=client_credentials'),
    dispatcher,
  };
  const url = baseUrl + TOKEN_PATH;
  return {
    async call() {
      const response = await request(url, options);
      return (await response.body.json()).access_token;
    },
    close: () => dispatcher.close(),
  };
}

async function oauth4webapi(baseUrl) {
  const oauth = await import(OAUTH4WEBAPI_ENTRY.href);
  const as = { issuer: baseUrl, token_endpoint: baseUrl + TOKEN_PATH };
  const client = { client_id: CREDENTIALS.user };
  const auth = oauth.ClientSecretBasic(CREDENTIALS.password);
  const options = { [oauth.allowInsecureRequests]: true };
  return {
    async call() {
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        client,
        auth,
        new URLSearchParams(),
        options,
      );
      return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
    },
    close: async () => undefined,
  };
}

/**
 * oauth4webapi sending through `undici.request` (its `customFetch` option), as the json-oauth
 * transport wires it to the client's executor: the library's own cost without global fetch's.
 */
async function oauth4webapiOverUndici(baseUrl) {
  const oauth = await import(OAUTH4WEBAPI_ENTRY.href);
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const customFetch = async (url, { method, headers, body }) => {
    const response = await request(url, { method, headers, body: body?.toString(), dispatcher });
    const flat = {};
    for (const [name, value] of Object.entries(response.headers))
      flat[name] = Array.isArray(value) ? value.join(', ') : value;
    return new Response(await response.body.text(), { status: response.statusCode, headers: flat });
  };
  const as = { issuer: baseUrl, token_endpoint: baseUrl + TOKEN_PATH };
  const client = { client_id: CREDENTIALS.user };
  const auth = oauth.ClientSecretBasic(CREDENTIALS.password);
  const options = { [oauth.allowInsecureRequests]: true, [oauth.customFetch]: customFetch };
  return {
    async call() {
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        client,
        auth,
        new URLSearchParams(),
        options,
      );
      return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
    },
    close: () => dispatcher.close(),
  };
}

async function simpleOAuth2(baseUrl) {
  const { ClientCredentials } = require('simple-oauth2');
  const client = new ClientCredentials({
    client: { id: CREDENTIALS.user, secret: CREDENTIALS.password },
    auth: { tokenHost: baseUrl, tokenPath: TOKEN_PATH },
    options: { authorizationMethod: 'header' },
  });
  return {
    async call() {
      return (await client.getToken({})).token.access_token;
    },
    close: async () => undefined,
  };
}

const KINDS = {
  'token-raw-undici': rawUndici,
  'token-oauth4webapi': oauth4webapi,
  'token-oauth4webapi-undici': oauth4webapiOverUndici,
  'token-simple-oauth2': simpleOAuth2,
};

export async function setup({ baseUrl, kind }) {
  return KINDS[kind](baseUrl);
}
