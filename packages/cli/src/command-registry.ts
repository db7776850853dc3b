/** Every subcommand of `afilnet-chat`, in the order the help lists them. */
import type { Command } from './command.js';
import { channelsCommand } from './commands/channels.js';
import { chatsCommand } from './commands/chats.js';
import { demoCommand } from './commands/demo.js';
import { messagesCommand } from './commands/messages.js';
import { relayCommand } from './commands/relay.js';
import { sandboxCommand } from './commands/sandbox.js';
import { sendFileCommand } from './commands/send-file.js';
import { sendCommand } from './commands/send.js';
import { unreadCommand } from './commands/unread.js';
import { watchCommand } from './commands/watch.js';

/** The subcommands. */
export const COMMANDS: readonly Command[] = [
  channelsCommand,
  sendCommand,
  sendFileCommand,
  chatsCommand,
  messagesCommand,
  unreadCommand,
  watchCommand,
  relayCommand,
  sandboxCommand,
  demoCommand,
];
