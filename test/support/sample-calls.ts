/**
 * One sample call per method, with its input in API terms and, written out literally, the
 * parameters that must travel on the wire in the method table's order
 * (docs/behaviour.md#methods). The message holds every character
 * that encodings get wrong: `+ & = %`, space, emoji, newline.
 */
import type { ChatMethod } from '@afilnet-chat/core';

export const TRICKY_MESSAGE = "a+b & c=d 100% (ok)! 'x'* <tag> 😀\nnext line";

export interface SampleCall {
  readonly method: ChatMethod;
  /** The client method's name. */
  readonly api:
    | 'getChatChannels'
    | 'sendMessage'
    | 'sendFile'
    | 'getChats'
    | 'getMessages'
    | 'getUnreadMessages';
  readonly input: Record<string, string> | undefined;
  readonly wire: ReadonlyArray<readonly [string, string]>;
}

export const SAMPLE_CALLS: readonly SampleCall[] = [
  { method: 'getchatchannels', api: 'getChatChannels', input: undefined, wire: [] },
  {
    method: 'sendmessage',
    api: 'sendMessage',
    input: {
      platform: 'whatsapp',
      platformId: '100',
      destination: '34600000000',
      message: TRICKY_MESSAGE,
    },
    wire: [
      ['platform', 'whatsapp'],
      ['platformid', '100'],
      ['destination', '34600000000'],
      ['message', TRICKY_MESSAGE],
    ],
  },
  {
    method: 'sendfile',
    api: 'sendFile',
    input: {
      platform: 'telegram',
      platformId: '200',
      destination: '34600000000',
      type: 'vidéo',
      fileUrl: 'https://files.example.com/clip.mp4?a=1&b=2',
      thumbUrl: 'https://files.example.com/thumb.jpg',
      message: TRICKY_MESSAGE,
    },
    wire: [
      ['platform', 'telegram'],
      ['platformid', '200'],
      ['destination', '34600000000'],
      ['type', 'video'],
      ['fileurl', 'https://files.example.com/clip.mp4?a=1&b=2'],
      ['thumburl', 'https://files.example.com/thumb.jpg'],
      ['message', TRICKY_MESSAGE],
    ],
  },
  {
    method: 'getchats',
    api: 'getChats',
    input: { platform: 'webchat', platformId: '300' },
    wire: [
      ['platform', 'webchat'],
      ['platformid', '300'],
    ],
  },
  {
    method: 'getmessages',
    api: 'getMessages',
    input: { platform: 'operator', platformId: '400', destination: 'visitor-7' },
    wire: [
      ['platform', 'operator'],
      ['platformid', '400'],
      ['destination', 'visitor-7'],
    ],
  },
  {
    method: 'getunreadmessages',
    api: 'getUnreadMessages',
    input: { platform: 'whatsapp', platformId: '100', destination: '34600000000' },
    wire: [
      ['platform', 'whatsapp'],
      ['platformid', '100'],
      ['destination', '34600000000'],
    ],
  },
];

/** Every error code the API documents: the common eight and each method's own. */
export const ALL_ERROR_CODES = [
  'MISSING_USER',
  'MISSING_PASSWORD',
  'MISSING_CLASS',
  'MISSING_METHOD',
  'MISSING_COMPULSORY_PARAM',
  'INCORRECT_USER_PASSWORD',
  'INCORRECT_CLASS',
  'INCORRECT_METHOD',
  'CHANNEL_NOT_FOUND',
  'CHAT_NOT_FOUND',
  'INCORRECT_FILETYPE',
  'INCORRECT_FILEURL',
  'INCORRECT_THUMBURL',
] as const;
