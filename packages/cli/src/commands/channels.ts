/** `afilnet-chat channels`: the account's chat channels (`getchatchannels`). */
import type { ChatChannel } from '@afilnet-chat/core';
import type { Command } from '../command.js';
import { EXIT_CODES } from '../exit-codes.js';
import { renderTable, type TableColumn } from '../render-table.js';

const COLUMNS: readonly TableColumn<ChatChannel>[] = [
  { heading: 'PLATFORM', cell: (c) => c.platform },
  { heading: 'PLATFORM ID', cell: (c) => c.platformId },
  { heading: 'NAME', cell: (c) => c.name },
];

/** Lists the channels. */
export const channelsCommand: Command = {
  name: 'channels',
  summary: "List the account's chat channels (getchatchannels)",
  description:
    'Lists the chat channels of the account: the platform and id that the other commands take.',
  callsApi: true,
  options: [],
  examples: [
    'afilnet-chat channels --transport post',
    'afilnet-chat channels --transport soap --json',
  ],
  async run(context) {
    const channels = await (await context.client()).getChatChannels();
    context.print(channels, () =>
      channels.length === 0 ? 'No channels.\n' : renderTable(COLUMNS, channels),
    );
    return EXIT_CODES.OK;
  },
};
