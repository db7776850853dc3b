/**
 * Making text safe for a terminal: a message written by a contact could hold escape sequences
 * that move the cursor, rewrite earlier lines or retitle the window.
 */

/**
 * `text` with every control character (C0, DEL, C1) and line or paragraph separator shown as a
 * visible escape (`\n`, `\u001b`…), so one value stays on one line and cannot drive the terminal.
 */
export function printableText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * `text` made safe line by line: each line through {@link printableText}, the line feeds between
 * them kept. The CLI passes everything it prints through this, whoever wrote the text (an error
 * message quoting a server, a stack, a warning), so no byte of it can drive the terminal. On a
 * JSON document (no raw line feed inside) it escapes DEL, C1 controls and the line and paragraph
 * separators, which `JSON.stringify` leaves raw, as `\u0085`: JSON's own escape for the same
 * character, so the document keeps its meaning.
 */
export function printableLines(text: string): string {
  return text.split('\n').map(printableText).join('\n');
}
