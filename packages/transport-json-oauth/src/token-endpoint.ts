/**
 * Getting an access token with the client credentials grant (RFC 6749 §4.4), every step done by
 * oauth4webapi over the client's executor: optional discovery of the token endpoint (RFC 8414),
 * the token request with the client's authentication (RFC 6749 §2.3.1), and the reading of the
 * answer (RFC 6749 §5.1, §5.2).
 */
import { AfilnetTransportError, type StoredToken } from '@afilnet-chat/core';
import type { HttpExecutor, HttpResponse } from '@afilnet-chat/core/transport';
import * as oauth from 'oauth4webapi';
import { clientSecretBasic, clientSecretBasicHeader } from './client-secret-basic.js';
import type { DPoPKey } from './dpop-key.js';
import { executorFetch } from './executor-fetch.js';
import { tokenEndpointError, type TokenStep } from './token-endpoint-error.js';
import { MIN_TOKEN_LIFETIME_MS } from './token-freshness.js';

/** Where and how to ask for tokens. */
export interface TokenEndpointOptions {
  /** The token endpoint; when absent, discovered from `issuer`. */
  readonly tokenUrl?: string;
  /** The authorization server's issuer identifier (RFC 8414 §2). */
  readonly issuer?: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string;
  readonly clientAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** Lets oauth4webapi talk to `http://` endpoints (a local sandbox). */
  readonly allowInsecureHttp: boolean;
  /** The clock, in epoch milliseconds. */
  readonly now?: () => number;
  /** Ask for tokens bound to this key (RFC 9449 §5); plain bearer tokens without it. */
  readonly dpop?: DPoPKey;
  /** With `dpop`: refuse a token issued as plain Bearer instead of using it unbound. */
  readonly requireDpop?: boolean;
}

/** What one token request needs from the call that starts it. */
export interface TokenRequestContext {
  readonly http: HttpExecutor;
  /** Ends the request (the token request's own signal, not a caller's). */
  readonly signal: AbortSignal;
  /** Adds run-time secrets (the token, the Basic header value) to the client's redactor. */
  readonly registerSecret: (secret: string) => void;
}

/** A source of access tokens. */
export interface TokenEndpoint {
  /**
   * Requests a new token.
   *
   * @throws {AfilnetTransportError} `TOKEN_ENDPOINT` (with `oauthError` when the body names one)
   *   for any answer without a usable token (Bearer, or DPoP when asked for; only DPoP with
   *   `requireDpop`), or when discovery fails; `NETWORK` or
   *   `ABORTED` from the executor. Always with `mayHaveBeenSent: false`.
   */
  requestToken(context: TokenRequestContext): Promise<StoredToken>;
}

/**
 * Creates a token endpoint. A discovered token endpoint is remembered for the endpoint's
 * lifetime; a failed discovery is tried again by the next token request.
 */
export function createTokenEndpoint(options: TokenEndpointOptions): TokenEndpoint {
  const now = options.now ?? Date.now;
  const client: oauth.Client = { client_id: options.clientId };
  const clientAuth =
    options.clientAuthMethod === 'client_secret_post'
      ? oauth.ClientSecretPost(options.clientSecret)
      : clientSecretBasic(options.clientSecret);
  const parameters: Record<string, string> =
    options.scope === undefined ? {} : { scope: options.scope };
  let server: oauth.AuthorizationServer | undefined =
    options.tokenUrl === undefined
      ? undefined
      : {
          issuer: options.issuer ?? new URL(options.tokenUrl).origin,
          token_endpoint: options.tokenUrl,
        };

  // RFC 8414 §3 first; an issuer that only publishes OpenID Connect Discovery metadata (many do,
  // e.g. Keycloak or oauth2-mock-server) answers 404 there and is asked at its OIDC location.
  async function discover(
    issuerUrl: string,
    http: oauth.HttpRequestOptions<'GET'>,
  ): Promise<oauth.AuthorizationServer> {
    const issuer = new URL(issuerUrl);
    let response = await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oauth2' });
    if (response.status === 404)
      response = await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oidc' });
    return oauth.processDiscoveryResponse(issuer, response);
  }

  async function requestToken({
    http,
    signal,
    registerSecret,
  }: TokenRequestContext): Promise<StoredToken> {
    let raw: HttpResponse | undefined;
    let step: TokenStep = 'discovery';
    const requestOptions = {
      [oauth.customFetch]: executorFetch(http, signal, (response) => {
        raw = response;
      }),
      [oauth.allowInsecureRequests]: options.allowInsecureHttp,
    };
    try {
      if (server === undefined) server = await discover(options.issuer as string, requestOptions);
      step = 'token';
      raw = undefined;
      if (options.clientAuthMethod === 'client_secret_basic') {
        registerSecret(
          clientSecretBasicHeader(options.clientId, options.clientSecret).slice('Basic '.length),
        );
      }
      const dpop = options.dpop === undefined ? undefined : await options.dpop();
      const as = server;
      let obtainedAt = now();
      const grant = async () =>
        oauth.processClientCredentialsResponse(
          as,
          client,
          await oauth.clientCredentialsGrantRequest(as, client, clientAuth, parameters, {
            ...requestOptions,
            ...(dpop === undefined ? {} : { DPoP: dpop }),
          }),
        );
      let answer: oauth.TokenEndpointResponse;
      try {
        answer = await grant();
      } catch (error) {
        // RFC 9449 §8: the server wants a nonce, which the DPoP handle has now noted; once.
        if (dpop === undefined || !oauth.isDPoPNonceError(error)) throw error;
        raw = undefined;
        obtainedAt = now();
        answer = await grant();
      }
      registerSecret(answer.access_token);
      // A server that does not do DPoP answers a Bearer token, which RFC 9449 §5 lets the client
      // use, unless the user requires the binding.
      const bound = answer.token_type === 'dpop' && dpop !== undefined;
      if (!bound && options.requireDpop === true && answer.token_type === 'bearer') {
        throw new AfilnetTransportError(
          'TOKEN_ENDPOINT',
          'The token endpoint issued a token of type Bearer, not DPoP (RFC 9449), which oauth.requireDpop requires',
          {
            mayHaveBeenSent: false,
            ...(raw === undefined ? {} : { httpStatus: (raw as HttpResponse).status }),
          },
        );
      }
      if (answer.token_type !== 'bearer' && !bound) {
        throw new Error(
          `token_type ${answer.token_type} is not supported; expected Bearer${dpop ? ' or DPoP' : ''}`,
        );
      }
      return {
        accessToken: answer.access_token,
        obtainedAt,
        ...(answer.expires_in === undefined
          ? {}
          : { expiresAt: obtainedAt + Math.max(answer.expires_in * 1000, MIN_TOKEN_LIFETIME_MS) }),
        ...(bound ? { tokenType: 'dpop' as const } : {}),
      };
    } catch (error) {
      throw tokenEndpointError(error, raw, step);
    }
  }

  return { requestToken };
}
