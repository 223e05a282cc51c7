// Tests act as an admin through NORMA_ADMIN_TOKEN's mechanism unless they test access itself.

/** The admin token test servers are built with (`buildServer(ctx, { adminToken: TEST_ADMIN_TOKEN })`). */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** `fetch` that sends `Authorization: Bearer <token>` unless the call sets its own. */
export function fetchWithToken(token: string): typeof fetch {
  return (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    return globalThis.fetch(input, { ...init, headers });
  };
}

/** `fetch` as the test admin. */
export const adminFetch: typeof fetch = fetchWithToken(TEST_ADMIN_TOKEN);
