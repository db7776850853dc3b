/**
 * What core hands a transport factory when it loads a transport by name. Each factory reads
 * only the fields of its flavour; a user building a transport by hand passes the same shape.
 */
import type { SecurityRating } from './security.js';
import type { ApiPaths, ChatTransport, Credentials } from './transport.js';
import type { TokenStore } from './token-store.js';

/** How the Basic flavour sends. */
export interface BasicOptions {
  /** `POST` (form body, the default) or `GET` (query string). */
  readonly method?: 'GET' | 'POST';
}

/** How the SOAP flavour authenticates. */
export interface SoapOptions {
  /** `PasswordText` (default) or `PasswordDigest` (OASIS UsernameToken Profile 1.0). */
  readonly passwordType?: 'PasswordText' | 'PasswordDigest';
}

/** OAuth 2.0 settings of the JSON flavour; all optional. */
export interface OAuthOptions {
  /** Defaults to the account's user. */
  readonly clientId?: string;
  /** Defaults to the account's password. */
  readonly clientSecret?: string;
  /** Defaults to `baseUrl + '/api/oauth/token'`. */
  readonly tokenUrl?: string;
  /** An issuer whose metadata (RFC 8414) names the token endpoint. */
  readonly issuer?: string;
  /** The scope to ask for (RFC 6749 §3.3); none by default. */
  readonly scope?: string;
  /** `client_secret_basic` (default) or `client_secret_post`. */
  readonly clientAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Where the access token is kept; in memory, per client, when left out. */
  readonly tokenStore?: TokenStore;
  /**
   * Bind tokens to a key pair the client makes and keeps in memory, proving possession on every
   * request (DPoP, RFC 9449), so that a stolen token is useless elsewhere. Off by default.
   */
  readonly dpop?: boolean;
  /**
   * Refuse a token the server issued as plain `Bearer` (`TOKEN_ENDPOINT`, naming the token
   * type) instead of using it unbound, as RFC 9449 §5 otherwise allows. Implies `dpop`.
   * Off by default.
   */
  readonly requireDpop?: boolean;
}

/**
 * What every transport that logs in with the account's user and password takes when built by
 * hand (GET, POST, Basic, SOAP); each adds its own flavour's options.
 */
export interface AccountTransportOptions {
  /** Defaults to `https://www.afilnet.com`. */
  readonly baseUrl?: string;
  /** Required: the account's user (e-mail) and password. */
  readonly credentials?: Credentials;
  /** The doors' paths; each transport reads its own (`http`, `basic`, `soap`). */
  readonly paths?: Partial<ApiPaths>;
  /** Allow an `http://` `baseUrl` (a local sandbox); refused otherwise, as by the client. */
  readonly allowInsecureHttp?: boolean;
}

/** The resolved configuration a built-in transport factory receives. */
export interface TransportFactoryOptions {
  /** The API's origin, `https://www.afilnet.com` unless configured. */
  readonly baseUrl: string;
  /** Absent only for json-oauth configured with its own client id and secret. */
  readonly credentials?: Credentials;
  /** Every door's path, defaults filled in. */
  readonly paths: ApiPaths;
  /** The Basic flavour's options. */
  readonly basic: BasicOptions;
  /** The SOAP flavour's options. */
  readonly soap: SoapOptions;
  /** The JSON + OAuth 2.0 flavour's options. */
  readonly oauth: OAuthOptions;
  /** True when the user allowed `http://` URLs (checked by core for every configured URL). */
  readonly allowInsecureHttp: boolean;
}

/**
 * A transport the client builds itself, from its resolved configuration: how a transport that is
 * not one of the five built-in names is plugged in with its rating, so that `minimumSecurity` is
 * checked when the client is made and the transport is built again when credentials given as a
 * function change. Pass it as `transport` to `createChatClient`.
 */
export interface TransportDefinition {
  /** The transport's name, e.g. `fax`: what errors, logs and spans call it. */
  readonly name: string;
  /** How well it protects the credentials, checked against `minimumSecurity`. */
  readonly security: SecurityRating;
  /**
   * Builds the transport from the client's validated options; called at the first call, and
   * again after credentials from a function changed. May throw an `AfilnetError`, which the call
   * then rejects with.
   */
  create(options: TransportFactoryOptions): ChatTransport | Promise<ChatTransport>;
}
