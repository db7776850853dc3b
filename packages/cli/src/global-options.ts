/**
 * Options every command accepts: how to reach the API (connection options) and how to show
 * results (output options).
 */
import {
  BUILT_IN_TRANSPORTS,
  SECURITY_RATINGS,
  TRANSPORT_NAMES,
} from '@afilnet-chat/core/constants';
import type { OptionSpec } from './option-spec.js';

const transportList = TRANSPORT_NAMES.map((n) => `${n} (${BUILT_IN_TRANSPORTS[n].security})`).join(
  ', ',
);

/** Options of the commands that call the API. Each has an `AFILNET_*` variable; the option wins. */
export const CONNECTION_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'transport',
    type: 'string',
    valueName: '<name>',
    description: `How credentials travel: ${transportList}. No default [AFILNET_TRANSPORT]`,
  },
  {
    name: 'base-url',
    type: 'string',
    valueName: '<url>',
    description: 'The API base URL (default https://www.afilnet.com) [AFILNET_BASE_URL]',
  },
  {
    name: 'user',
    type: 'string',
    valueName: '<email>',
    description: 'The account user [AFILNET_USER]',
  },
  {
    name: 'password-stdin',
    type: 'boolean',
    description:
      'Read the password from standard input (a pipe) instead of AFILNET_PASSWORD; it is never taken as an argument',
  },
  {
    name: 'min-security',
    type: 'string',
    valueName: '<rating>',
    description: `Refuse a transport rated below this: ${SECURITY_RATINGS.join(', ')} [AFILNET_MIN_SECURITY]`,
  },
  {
    name: 'timeout',
    type: 'string',
    valueName: '<ms>',
    description: 'Deadline of each call in milliseconds (default 30000) [AFILNET_TIMEOUT_MS]',
  },
  {
    name: 'allow-insecure-http',
    type: 'boolean',
    description: 'Allow an http:// base URL, e.g. a local sandbox [AFILNET_ALLOW_INSECURE_HTTP=1]',
  },
];

/** Options of every command. */
export const OUTPUT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'json',
    type: 'boolean',
    description: 'Print JSON for machines instead of tables (errors as JSON on stderr)',
  },
  { name: 'debug', type: 'boolean', description: 'Show the stack trace and causes of an error' },
  { name: 'help', type: 'boolean', short: 'h', description: 'Show this help' },
];
