/**
 * The JSON + OAuth 2.0 flavour: a bearer token from the client credentials grant (RFC 6749 §4.4),
 * then `POST /api/json/` with a JSON body (docs/behaviour.md, "JSON and OAuth").
 */
import {
  AfilnetTransportError,
  type ApiPaths,
  type ChatTransport,
  type Credentials,
  type OAuthOptions,
  type StoredToken,
} from '@afilnet-chat/core';
import {
  CHAT_CLASS,
  joinUrl,
  jsonWireResponse,
  resolveTransportOptions,
  type HttpResponse,
  type TransportCallContext,
  type WireRequest,
  type WireResponse,
} from '@afilnet-chat/core/transport';
import { BUILT_IN_TRANSPORTS } from '@afilnet-chat/core/constants';
import { randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { createDpopKey } from './dpop-key.js';
import { executorFetch } from './executor-fetch.js';
import { isInvalidTokenChallenge, refusesBearerToken } from './invalid-token-challenge.js';
import { createMemoryTokenStore } from './memory-token-store.js';
import { TokenCache, type TokenFetcher } from './token-cache.js';
import { createTokenEndpoint } from './token-endpoint.js';
import { secretFingerprint, tokenStoreKey } from './token-store-key.js';
import { accountRefusal } from './token-endpoint-error.js';

/** The token endpoint's path, under `baseUrl`, when neither `tokenUrl` nor `issuer` is given. */
export const DEFAULT_TOKEN_PATH = '/api/oauth/token';

/** Options of {@link createJsonOAuthTransport}: the shape core hands every factory. */
export interface JsonOAuthTransportOptions {
  /** Defaults to `https://www.afilnet.com`. */
  readonly baseUrl?: string;
  /** The account; its user and password are the OAuth client id and secret unless `oauth` says otherwise. */
  readonly credentials?: Credentials;
  /** `paths.json` defaults to `/api/json/`. */
  readonly paths?: Partial<ApiPaths>;
  /** The token endpoint, client id and secret, scope, token store and DPoP settings; each has a default. */
  readonly oauth?: OAuthOptions;
  /** Allow `http://` URLs (a local sandbox). */
  readonly allowInsecureHttp?: boolean;
}

/** The JSON body of a call: `class`, `method`, then the parameters, every value a string. */
function jsonBody(request: WireRequest): string {
  const body: Record<string, string> = { class: CHAT_CLASS, method: request.method };
  for (const [name, value] of request.params) body[name] = value;
  return JSON.stringify(body);
}

/**
 * Creates the json-oauth transport, rated `high`.
 *
 * Tokens: client credentials grant (RFC 6749 §4.4) at `oauth.tokenUrl` (default
 * `baseUrl + '/api/oauth/token'`), or at the token endpoint of `oauth.issuer`'s metadata
 * (RFC 8414); `client_secret_basic` (RFC 6749 §2.3.1, default) or `client_secret_post`. Tokens
 * are cached in `oauth.tokenStore` (in memory by default) and renewed 60 s before expiry, or at
 * half their lifetime when shorter; concurrent calls share one token request. In a store given
 * as `oauth.tokenStore`, a token is kept under the token endpoint, client id, scope, API origin
 * and a salted scrypt fingerprint of the client secret (RFC 7914), computed once per transport:
 * a client with another secret, or another API origin, never gets that token.
 *
 * With `oauth.dpop`, tokens are bound to a key pair the transport makes (RFC 9449): token and
 * API requests carry a DPoP proof, and the API request `Authorization: DPoP`. A server that
 * issues a plain Bearer token anyway gets it used as one, unless `oauth.requireDpop` (which
 * implies `dpop`) makes that a `TOKEN_ENDPOINT` error naming the token type.
 *
 * Calls: `POST` to `paths.json` with `Authorization: Bearer` (RFC 6750 §2.1). A 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` makes it fetch one new token and repeat the
 * call once; what the repeat answers goes to core as it is (a second 401 becomes `UNAUTHORIZED`).
 *
 * Token errors are `TOKEN_ENDPOINT`, except that without `oauth.clientId` (the account is the
 * client) a refusal of the account (`invalid_client`, `invalid_grant`, HTTP 401) is
 * `AfilnetApiError` `INCORRECT_USER_PASSWORD` with the `TOKEN_ENDPOINT` error as `cause`, as
 * every other transport reports a wrong password (docs/json-oauth.md, "Errors").
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` when there is no client id or secret (neither
 *   `oauth.clientId`/`clientSecret` nor `credentials`); `INSECURE_URL` for an `http://` URL
 *   without `allowInsecureHttp`.
 */
export function createJsonOAuthTransport(options: JsonOAuthTransportOptions): ChatTransport {
  const {
    oauth: settings,
    baseUrl,
    paths,
    credentials,
    allowInsecureHttp,
  } = resolveTransportOptions('json-oauth', options);
  // Both present: resolveTransportOptions refuses options that name neither.
  const clientId = (settings.clientId ?? credentials?.user) as string;
  const clientSecret = (settings.clientSecret ?? credentials?.password) as string;

  const tokenUrl =
    settings.tokenUrl ??
    (settings.issuer === undefined ? joinUrl(baseUrl, DEFAULT_TOKEN_PATH) : undefined);
  const apiUrl = new URL(joinUrl(baseUrl, paths.json));
  const apiHref = apiUrl.href;

  // Authenticating as the account, a refused client is a wrong user or password, as on every
  // other transport.
  const refused = settings.clientId === undefined ? accountRefusal : (error: unknown) => error;
  const dpop =
    settings.dpop === true || settings.requireDpop === true ? createDpopKey() : undefined;
  const endpoint = createTokenEndpoint({
    ...(dpop === undefined ? {} : { dpop }),
    ...(settings.requireDpop === true ? { requireDpop: true } : {}),
    ...(tokenUrl === undefined ? {} : { tokenUrl }),
    ...(settings.issuer === undefined ? {} : { issuer: settings.issuer }),
    ...(settings.scope === undefined ? {} : { scope: settings.scope }),
    clientId,
    clientSecret,
    clientAuthMethod: settings.clientAuthMethod ?? 'client_secret_basic',
    allowInsecureHttp,
  });
  const keyParts = {
    // One of the two is set: resolveTransportOptions refuses neither, and tokenUrl defaults otherwise.
    tokenEndpoint: (tokenUrl ?? settings.issuer) as string,
    clientId,
    scope: settings.scope,
    apiOrigin: apiUrl.origin,
  };
  const shared = settings.tokenStore;
  let key: string | Promise<string>;
  if (shared === undefined) {
    // This client's own store: no one else reads it, so no slow hash is worth its cost.
    key = tokenStoreKey(keyParts, 'own');
  } else if (dpop !== undefined) {
    // A DPoP token is bound to this transport's key, which never leaves it: no one else can use it.
    key = tokenStoreKey(keyParts, `dpop:${randomUUID()}`);
  } else {
    // A shared store: the token serves only clients with the same secret. The fingerprint is
    // computed now, off the main thread, so that a client built at start-up has it by its first call.
    key = secretFingerprint(keyParts, clientSecret).then((fingerprint) =>
      tokenStoreKey(keyParts, fingerprint),
    );
    key.catch(() => undefined);
  }
  const cache = new TokenCache({ store: shared ?? createMemoryTokenStore(), key });

  /**
   * One API request with `token`; says whether the API refused the token as `invalid_token`. A
   * DPoP request refused for want of a nonce (RFC 9449 §9) is made again once with the nonce the
   * server gave: the refusal means it was not processed.
   */
  function callApi(
    token: StoredToken,
    body: string,
    context: TransportCallContext,
  ): Promise<{ response: WireResponse; invalidToken: boolean }> {
    // Not `async`: a Bearer call is the exchange's own promise, with no frame around it.
    if (token.tokenType !== 'dpop' || dpop === undefined)
      return exchangeBearer(token, body, context);
    return callWithProof(token, body, context, dpop);
  }

  async function callWithProof(
    token: StoredToken,
    body: string,
    context: TransportCallContext,
    proofOf: () => Promise<oauth.DPoPHandle>,
  ): Promise<{ response: WireResponse; invalidToken: boolean }> {
    const proof = await proofOf();
    const first = await exchange(token, body, context, proof);
    return first.nonceRequired ? exchange(token, body, context, proof) : first;
  }

  // The Bearer headers of the token in use, made once per token rather than once per call.
  let bearerFor: string | undefined;
  let bearerHeaders: Readonly<Record<string, string>> = {};

  /**
   * A Bearer call (RFC 6750 §2.1) sent straight through the executor: oauth4webapi earns its
   * keep at the token endpoint, while for the API call it would only wrap every answer in a
   * WHATWG `Response` (the largest cost of this transport per call, measured by the bench).
   */
  async function exchangeBearer(
    token: StoredToken,
    body: string,
    context: TransportCallContext,
  ): Promise<{ response: WireResponse; invalidToken: boolean }> {
    if (bearerFor !== token.accessToken) {
      bearerHeaders = {
        authorization: `Bearer ${token.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      };
      bearerFor = token.accessToken;
    }
    const answer = await context.http.send(
      {
        method: 'POST',
        url: apiHref,
        headers: bearerHeaders,
        body,
      },
      // The context is the send options: the executor listens to the call's abort through it.
      context,
    );
    return {
      response: jsonWireResponse(answer, context),
      // Only a 401 can refuse the token: the headers of any other answer are not read.
      invalidToken:
        answer.status === 401 &&
        refusesBearerToken(answer.status, answer.headers['www-authenticate']),
    };
  }

  async function exchange(
    token: StoredToken,
    body: string,
    context: TransportCallContext,
    proof: oauth.DPoPHandle | undefined,
  ): Promise<{ response: WireResponse; invalidToken: boolean; nonceRequired: boolean }> {
    const { http, signal } = context;
    let raw: HttpResponse | undefined;
    let invalidToken = false;
    let nonceRequired = false;
    try {
      await oauth.protectedResourceRequest(
        token.accessToken,
        'POST',
        apiUrl,
        new Headers({ 'content-type': 'application/json', accept: 'application/json' }),
        body,
        {
          [oauth.customFetch]: executorFetch(http, signal, (response) => {
            raw = response;
          }),
          [oauth.allowInsecureRequests]: allowInsecureHttp,
          ...(proof === undefined ? {} : { DPoP: proof }),
        },
      );
    } catch (error) {
      // Any other challenge (a missing token: `Bearer realm=…` and a MISSING_USER envelope) is an
      // answer for core to decode.
      if (!(error instanceof oauth.WWWAuthenticateChallengeError) || raw === undefined) throw error;
      invalidToken = isInvalidTokenChallenge(error);
      nonceRequired = proof !== undefined && oauth.isDPoPNonceError(error);
    }
    const answer = raw as HttpResponse;
    return {
      response: jsonWireResponse(answer, context),
      invalidToken,
      nonceRequired,
    };
  }

  return {
    name: 'json-oauth',
    security: BUILT_IN_TRANSPORTS['json-oauth'].security,
    secrets: [clientSecret],
    async send(request, context) {
      const { http, registerSecret } = context;
      const fetchToken: TokenFetcher = (flightSignal) =>
        endpoint.requestToken({ http, signal: flightSignal, registerSecret });
      const body = jsonBody(request);

      let token = cache.fresh();
      if (token === undefined) {
        try {
          // The context, not its signal: the signal is made only if the call has to wait for a token.
          token = await cache.token(context, fetchToken);
        } catch (error) {
          throw refused(error);
        }
      }
      registerSecret(token.accessToken);
      const first = await callApi(token, body, context);
      if (!first.invalidToken) return first.response;

      // Once: a fresh token, then the call again, whatever that answers.
      let renewed: StoredToken;
      try {
        renewed = await cache.token(context, fetchToken, token.accessToken);
      } catch (error) {
        // The refused request was written, so a send "may have been sent" from here on, whatever
        // the renewal gives (mayHaveBeenSent never turns false once a byte may have been written).
        throw refused(
          error instanceof AfilnetTransportError ? error.with({ mayHaveBeenSent: true }) : error,
        );
      }
      registerSecret(renewed.accessToken);
      return (await callApi(renewed, body, context)).response;
    },
  };
}
