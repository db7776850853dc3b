/**
 * The SOAP flavour's own input check: XML 1.0 cannot carry some characters at all, not even as
 * character references (XML 1.0 §2.2), so a value holding one cannot be sent.
 */
import { AfilnetValidationError, type ValidationIssue } from '@afilnet-chat/core';
import { CHAT_METHODS } from '@afilnet-chat/core/constants';
import type { WireRequest } from '@afilnet-chat/core/transport';
import { findXmlIllegalCharacter } from '@afilnet-chat/soap-xml';

/**
 * Throws when a parameter holds a character XML 1.0 cannot carry.
 *
 * @throws {AfilnetValidationError} `INVALID_PARAMS` listing every such parameter, by its API
 *   name, with the code point found (never the value).
 */
export function refuseUnencodableParams(request: WireRequest): void {
  const issues: ValidationIssue[] = [];
  const fields = CHAT_METHODS[request.method].fields;
  for (const [name, value] of request.params) {
    const found = findXmlIllegalCharacter(value);
    if (found !== undefined) {
      // Issues name what the caller wrote (`platformId`), not the wire name.
      issues.push({
        path: fields.find((f) => f.wire === name)?.api ?? name,
        message: `holds ${found}, a character XML 1.0 (and so SOAP) cannot carry`,
      });
    }
  }
  if (issues.length > 0) {
    throw new AfilnetValidationError(
      'INVALID_PARAMS',
      `Invalid input for ${request.method} over SOAP`,
      { issues },
    );
  }
}
