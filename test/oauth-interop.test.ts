/**
 * Interop with an authorization server we did not write: oauth2-mock-server issues signed JWT
 * access tokens through the client credentials grant, and the sandbox's JSON door accepts them
 * after checking them with jose against that server's keys. The transport is thereby proven
 * against an independent OAuth 2.0 implementation, found directly and by discovery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { OAuth2Server } from 'oauth2-mock-server';
import type { ChatClient, ChatClientConfig } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { oauthClients } from './support/oauth-clients.js';
import { EXECUTORS } from './support/wire-capture.js';

const OTHER = { user: 'other@example.com', password: 'other-password' };

/** The client id of a token request, read as RFC 6749 §2.3.1 says (Basic, form-encoded) or from the form. */
function clientIdOf(req: {
  headers: Record<string, unknown>;
  body?: Record<string, unknown>;
}): string | undefined {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    return decodeURIComponent(decoded.slice(0, decoded.indexOf(':')).replace(/\+/g, ' '));
  }
  return typeof req.body?.client_id === 'string' ? req.body.client_id : undefined;
}

async function startAuthorizationServer(): Promise<{
  server: OAuth2Server;
  issuer: string;
  keys: JWTVerifyGetKey;
  clients: string[];
}> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const clients: string[] = [];
  // The mock server puts no subject in client credentials tokens: the client becomes the subject.
  server.service.on(
    'beforeTokenSigning',
    (token: { payload: Record<string, unknown> }, req: Parameters<typeof clientIdOf>[0]) => {
      const clientId = clientIdOf(req);
      if (clientId !== undefined) clients.push(clientId);
      token.payload.sub = clientId;
    },
  );
  return {
    server,
    issuer: server.issuer.url as string,
    keys: createLocalJWKSet({ keys: server.issuer.keys.toJSON() }),
    clients,
  };
}

describe.each(EXECUTORS)(
  'json-oauth with oauth2-mock-server as the authorization server × %s',
  (executor) => {
    let authorization: Awaited<ReturnType<typeof startAuthorizationServer>>;
    let impostor: Awaited<ReturnType<typeof startAuthorizationServer>>;
    let sandbox: Sandbox;
    const clients = oauthClients(executor);

    beforeAll(async () => {
      [authorization, impostor] = await Promise.all([
        startAuthorizationServer(),
        startAuthorizationServer(),
      ]);
      sandbox = await startSandbox({
        accounts: [
          {
            ...OTHER,
            channels: [{ platform: 'whatsapp', platformId: '100', name: 'Other WhatsApp' }],
          },
        ],
        verifyExternalToken: async (token) => {
          const { payload } = await jwtVerify(token, authorization.keys, {
            issuer: authorization.issuer,
          });
          return typeof payload.sub === 'string' ? payload.sub : undefined;
        },
      });
    });
    afterAll(async () => {
      await clients.closeAll();
      await Promise.all([authorization.server.stop(), impostor.server.stop(), sandbox.close()]);
    });

    const connect = (overrides: Partial<ChatClientConfig>): ChatClient =>
      clients.connect(sandbox.url, overrides);

    it('gets a token at its token endpoint and works through the JSON door with it', async () => {
      const chat = connect({ oauth: { tokenUrl: `${authorization.issuer}/token` } });
      await expect(chat.getChatChannels()).resolves.toHaveLength(4);
      const conversation = {
        platform: 'whatsapp',
        platformId: '100',
        destination: `interop-${executor}`,
      } as const;
      await chat.sendMessage({ ...conversation, message: 'via a JWT' });
      await expect(chat.getMessages(conversation)).resolves.toMatchObject([
        { message: 'via a JWT', sent: true },
      ]);
      expect(authorization.clients).toContain(DEMO.user);
    });

    it('finds the token endpoint from the issuer (its OpenID discovery document)', async () => {
      const chat = connect({
        oauth: { issuer: authorization.issuer, clientAuthMethod: 'client_secret_post' },
      });
      await expect(chat.getChatChannels()).resolves.toHaveLength(4);
    });

    it("gives each account's token only that account's data", async () => {
      const chat = connect({
        credentials: OTHER,
        oauth: { tokenUrl: `${authorization.issuer}/token` },
      });
      await expect(chat.getChatChannels()).resolves.toEqual([
        { platformId: '100', platform: 'whatsapp', name: 'Other WhatsApp' },
      ]);
    });

    it('is refused with a token signed by another server: invalid_token, one renewal, then UNAUTHORIZED', async () => {
      const chat = connect({ oauth: { tokenUrl: `${impostor.issuer}/token` }, retry: false });
      await expect(chat.getChatChannels()).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        httpStatus: 401,
      });
    });
  },
);
