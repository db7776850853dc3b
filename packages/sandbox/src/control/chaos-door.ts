/**
 * `PUT /__sandbox/chaos` sets the chaos rules and `DELETE /__sandbox/chaos` ends them.
 * A body that is not a rule list is refused with 400 naming the field, and changes nothing.
 */
import type { ChaosRule } from '../chaos/chaos-rule.js';
import { parseChaosRules } from '../chaos/chaos-rule.js';
import { readJsonBody } from './json-body.js';
import type { Door } from '../http/door.js';
import { allowMethods, sendJson } from '../http/respond.js';

/** Creates the chaos door over the function that puts rules in force. */
export function createChaosDoor(
  setRules: (rules: readonly ChaosRule[]) => void,
  path = '/__sandbox/chaos',
): Door {
  return {
    path,
    handle(req, res, { body }) {
      if (!allowMethods(req, res, ['PUT', 'DELETE'])) return;
      if (req.method === 'DELETE') {
        setRules([]);
        res.writeHead(204).end();
        return;
      }
      const json = readJsonBody(req, res, body);
      if (json === undefined) return;
      const parsed = parseChaosRules(json.value);
      if (!parsed.ok) {
        sendJson(res, 400, { error: parsed.message });
        return;
      }
      setRules(parsed.rules);
      sendJson(res, 200, parsed.rules);
    },
  };
}
