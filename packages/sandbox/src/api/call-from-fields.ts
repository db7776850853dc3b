/** Building an {@link ApiCall} from flat fields (query string, form body or JSON object). */
import type { ApiCall, CallerAuth } from './chat-api.js';

const PARAM_NAMES = [
  'platform',
  'platformid',
  'destination',
  'message',
  'type',
  'fileurl',
  'thumburl',
] as const;

/** The call the fields describe, authenticated by `auth`. */
export function callFromFields(fields: ReadonlyMap<string, string>, auth: CallerAuth): ApiCall {
  const params: Record<string, string | undefined> = {};
  for (const name of PARAM_NAMES) params[name] = fields.get(name);
  return { auth, class: fields.get('class'), method: fields.get('method'), params };
}
