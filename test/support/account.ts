/** The sandbox's seeded account (docs/behaviour.md#sandbox), used by every test that talks to it. */
export const DEMO = { user: 'demo@example.com', password: 'demo-password' } as const;

/** The channels seeded on the sandbox's account, one per platform, in the sandbox's order. */
export const CHANNELS = [
  { platform: 'whatsapp', platformId: '100' },
  { platform: 'telegram', platformId: '200' },
  { platform: 'webchat', platformId: '300' },
  { platform: 'operator', platformId: '400' },
] as const;
