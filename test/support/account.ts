/** The sandbox's seeded account (SPEC §5), used by every test that talks to it. */
export const DEMO = { user: 'demo@example.com', password: 'demo-password' } as const;
