/** Showing chat messages to people: a table, or one line per message for `watch`. */
import type { ChatMessage } from '@afilnet-chat/core';
import { printableText } from './printable-text.js';
import { renderTable, type TableColumn } from './render-table.js';

const direction = (m: ChatMessage) => (m.sent ? 'out' : 'in');

const COLUMNS: readonly TableColumn<ChatMessage>[] = [
  { heading: 'DATETIME', cell: (m) => m.datetime },
  { heading: 'DESTINATION', cell: (m) => m.destination },
  { heading: 'DIR', cell: direction },
  { heading: 'STATUS', cell: (m) => m.status },
  { heading: 'ID', cell: (m) => m.messageId },
  { heading: 'MESSAGE', cell: (m) => m.message },
];

/** A table of messages, or `empty` when there are none. */
export function renderMessages(messages: readonly ChatMessage[], empty: string): string {
  return messages.length === 0 ? `${empty}\n` : renderTable(COLUMNS, messages);
}

/** One printable line for a message as it arrives: date, contact, id and text. */
export function renderMessageLine(m: ChatMessage): string {
  return `${[m.datetime, m.destination, direction(m), `#${m.messageId}`].map(printableText).join('  ')}  ${printableText(m.message)}\n`;
}
