/** The sandbox's seeded account (docs/behaviour.md#sandbox), used by every test that talks to it. */
export const DEMO = { user: 'demo@example.com', password: 'demo-password' } as const;
