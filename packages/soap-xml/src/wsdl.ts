/**
 * The project's WSDL (WSDL 1.1, SOAP 1.1 binding, document/literal wrapped), shipped with this
 * package in `wsdl/afilnet-chat.wsdl`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { escapeXml } from './escape-xml.js';

/** The absolute path of the WSDL file (the same from `src/` and `dist/`). */
export const WSDL_PATH: string = fileURLToPath(
  new URL('../wsdl/afilnet-chat.wsdl', import.meta.url),
);

/** The `soap:address` location the file names; servers replace it with their own endpoint. */
export const WSDL_DEFAULT_LOCATION = 'https://www.afilnet.com/api/soap/';

/**
 * Reads the WSDL's text, with its `soap:address` set to `location` when given.
 *
 * @throws {Error} when the file cannot be read (a broken installation).
 */
export async function readWsdl(location?: string): Promise<string> {
  const text = await readFile(WSDL_PATH, 'utf8');
  if (location === undefined) return text;
  return text
    .split(`location="${WSDL_DEFAULT_LOCATION}"`)
    .join(`location="${escapeXml(location)}"`);
}
