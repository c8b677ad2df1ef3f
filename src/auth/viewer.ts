/** Who is asking: the user id from the token's `sub`, and whether `user_profiles` makes them an operator. */
export interface Viewer {
  readonly id: string;
  readonly isOperator: boolean;
  /** When the token stops being valid; long-lived connections re-check against it. */
  readonly expiresAt: Date | undefined;
  /** The raw `Authorization` value the viewer came from, so a subscription can re-authenticate. */
  readonly credential: string;
}

/** Any RFC 4122 layout; Supabase user ids are v4, other issuers may use v7. */
export { isUuid } from '../domain/ids.ts';
