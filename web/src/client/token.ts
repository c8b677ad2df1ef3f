/**
 * Where the pages keep the signed-in user's bearer token (a JWT the API accepts: a Supabase
 * session's `access_token`, or `npm run cli -- token <userId>` in development).
 */
export const TOKEN_KEY = 'po.token';

export function readToken(): string | undefined {
  try {
    const token = globalThis.localStorage?.getItem(TOKEN_KEY)?.trim();
    return token ? token : undefined;
  } catch {
    // Storage can be refused (privacy settings): then nobody is signed in.
    return undefined;
  }
}

export function storeToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}
