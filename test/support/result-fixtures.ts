/** One message as every flavour's decoder must give it, shared by the JSON and SOAP tolerance tests. */
export const DECODED_MESSAGE = {
  platformId: '100',
  platform: 'whatsapp',
  message: 'hello',
  destination: '34600000000',
  messageId: '42',
  sent: true,
  status: 'sent',
  datetime: '2024-05-01 10:00:00',
} as const;
