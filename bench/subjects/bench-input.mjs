/** What every subject sends: the same account and the same message, so that bytes compare. */

export const CREDENTIALS = { user: 'bench@example.com', password: 'bench-password-0123' };

/** A realistic notification: a space, a `#` and a colon make the encoders do their work. */
export const SEND_MESSAGE_INPUT = {
  platform: 'whatsapp',
  platformId: '100',
  destination: '34600000000',
  message: 'Hello from the benchmark: your order #1234 is ready for pickup.',
};

/** The two methods measured: the lightest read with a list result, and the volume write. */
export const METHODS = ['getchatchannels', 'sendmessage'];
