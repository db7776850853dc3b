/**
 * `POST /api/json/`: the JSON flavour, a resource server protected by bearer tokens
 * (RFC 6750) or DPoP-bound ones (RFC 9449 §7). A token opens exactly the account it was issued
 * for.
 */
import type { ServerResponse } from 'node:http';
import { answered, type ApiDoor, UNREAD } from './api-door.js';
import { handleChatCall } from './chat-api.js';
import { isJsonContentType } from '../http/media-type.js';
import { presentedTokenOf, type PresentedToken } from '../oauth/bearer-token.js';
import type { DpopProofVerifier } from '../oauth/dpop-proof.js';
import type { TokenRegistry } from '../oauth/token-registry.js';
import { sendJson, sendText } from '../http/respond.js';
import { callFromFields } from './call-from-fields.js';

/**
 * Checks a token issued by another authorization server; answers the sandbox account it opens,
 * or `undefined` to refuse it.
 */
export type ExternalTokenVerifier = (
  accessToken: string,
) => string | undefined | Promise<string | undefined>;

/** A JSON object's fields as the API reads them: strings, and numbers or booleans as PHP would print them. */
function jsonFields(value: Record<string, unknown>): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, field] of Object.entries(value)) {
    if (typeof field === 'string') fields.set(name, field);
    else if (typeof field === 'number' && Number.isFinite(field)) fields.set(name, String(field));
    else if (typeof field === 'boolean') fields.set(name, field ? '1' : '');
  }
  return fields;
}

function refuse(
  res: ServerResponse,
  presented: PresentedToken,
  error: 'invalid_token' | 'invalid_dpop_proof',
): void {
  const scheme = presented.scheme === 'dpop' ? 'DPoP' : 'Bearer';
  sendJson(res, 401, { error }, { 'www-authenticate': `${scheme} error="${error}"` });
}

/** Creates the JSON door; `verifyExternal` lets it also accept another server's tokens. */
export function createJsonDoor(
  tokens: TokenRegistry,
  proofs: DpopProofVerifier,
  verifyExternal?: ExternalTokenVerifier,
  path = '/api/json/',
): ApiDoor {
  async function accountOf(accessToken: string): Promise<string | undefined> {
    const own = tokens.verify(accessToken);
    if (own !== undefined || verifyExternal === undefined) return own;
    try {
      return await verifyExternal(accessToken);
    } catch {
      return undefined;
    }
  }

  return {
    path,
    async handle(req, res, { state, body }) {
      if (req.method !== 'POST') {
        sendText(res, 405, 'Method Not Allowed', { allow: 'POST' });
        return UNREAD;
      }
      const presented = presentedTokenOf(req.headers);
      if (presented === undefined) {
        sendJson(
          res,
          401,
          { status: 'error', error: 'MISSING_USER' },
          { 'www-authenticate': 'Bearer realm="afilnet"' },
        );
        return UNREAD;
      }
      const user = await accountOf(presented.token);
      if (user === undefined || state.account(user) === undefined) {
        refuse(res, presented, 'invalid_token');
        return UNREAD;
      }
      // A bound token only with its scheme and a proof of its key; a plain one only as Bearer.
      const boundKey = tokens.boundKeyOf(presented.token);
      if ((boundKey !== undefined) !== (presented.scheme === 'dpop')) {
        refuse(res, presented, 'invalid_token');
        return UNREAD;
      }
      if (boundKey !== undefined) {
        const proof = req.headers.dpop;
        const proven = proofs.verify(typeof proof === 'string' ? proof : undefined, {
          method: 'POST',
          url: `http://${req.headers.host ?? 'localhost'}${path}`,
          accessToken: presented.token,
        });
        if (proven !== boundKey) {
          refuse(res, presented, 'invalid_dpop_proof');
          return UNREAD;
        }
      }
      if (!isJsonContentType(req.headers['content-type'])) {
        sendText(res, 415, 'Unsupported Media Type: send application/json');
        return UNREAD;
      }
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch {
        sendText(res, 400, 'Bad Request: the body is not JSON');
        return UNREAD;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        sendText(res, 400, 'Bad Request: the body must be a JSON object');
        return UNREAD;
      }
      const call = callFromFields(jsonFields(value as Record<string, unknown>), {
        kind: 'account',
        user,
      });
      const envelope = handleChatCall(state, call);
      sendJson(res, 200, envelope);
      return answered(call.method, envelope);
    },
  };
}
