import { SignJWT, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../domain/errors.ts';
import { isUuid } from './viewer.ts';

/** Where signatures are checked against: one shared HS256 secret, or a JWKS (RS256/ES256). */
export type TokenKey =
  { readonly kind: 'secret'; readonly secret: string } | { readonly kind: 'jwks'; readonly url: string };

/** AUTH_MAX_TOKEN_LIFETIME's default: a working day and then some; Supabase's own tokens live 1 h. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** What `mintToken` gives by default (development tokens, the CLI): under the default bound. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

export interface VerifierOptions {
  readonly key: TokenKey;
  readonly audience: string;
  readonly issuer?: string | undefined;
  /**
   * Longest accepted lifetime in seconds (AUTH_MAX_TOKEN_LIFETIME): a token whose `exp` is further
   * from now, or from its `iat`, is refused, so a leaked long-lived token is not good for years.
   * {@link DEFAULT_MAX_TOKEN_LIFETIME_SECONDS} by default.
   */
  readonly maxLifetimeSeconds?: number;
  /** Injected clock, so expiry is testable without waiting. */
  readonly clock?: () => Date;
  /** Most verified HS256 tokens remembered (least recently used go first); 10,000 by default, 0 turns it off. */
  readonly cacheSize?: number;
}

export interface VerifiedToken {
  readonly userId: string;
  readonly expiresAt: Date | undefined;
}

export interface TokenVerifier {
  /** Checks signature, algorithm, `aud`, `iss`, `exp`/`nbf` and that `sub` is a uuid; else AppError UNAUTHENTICATED. */
  verify(token: string): Promise<VerifiedToken>;
}

/**
 * The algorithm list is fixed per key kind, so a token cannot pick its own algorithm: `alg: none`
 * and an HS256 token signed with a JWKS public key (the classic confusion attack) both fail.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const encoder = new TextEncoder();
  const key: Uint8Array | JWTVerifyGetKey =
    options.key.kind === 'secret' ? encoder.encode(options.key.secret) : createRemoteJWKSet(new URL(options.key.url));
  const algorithms = options.key.kind === 'secret' ? ['HS256'] : ['RS256', 'ES256'];
  const clock = options.clock ?? (() => new Date());
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  // Only with a shared secret: it cannot change under a running verifier, so a token it accepted
  // stays acceptable until its time claims say otherwise. A JWKS key can be withdrawn, so those
  // tokens are always checked against the current key set.
  const cache = options.key.kind === 'secret' ? new VerifiedTokenCache(options.cacheSize ?? 10_000) : undefined;

  return {
    async verify(token) {
      const remembered = cache?.take(token, epochSeconds(clock()));
      if (remembered) return { userId: remembered.userId, expiresAt: new Date(remembered.exp * 1000) };
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key as Uint8Array, {
          algorithms,
          audience: options.audience,
          ...(options.issuer ? { issuer: options.issuer } : {}),
          currentDate: clock(),
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        throw new AppError('UNAUTHENTICATED', describeJoseError(error));
      }
      const sub = payload.sub ?? '';
      if (!isUuid(sub)) throw new AppError('UNAUTHENTICATED', 'The token subject (sub) must be a user id (uuid)');
      // requiredClaims made `exp` a number; a token lives from `iat` (or now) to `exp`.
      const exp = payload.exp ?? 0;
      if (
        exp - epochSeconds(clock()) > maxLifetime ||
        (typeof payload.iat === 'number' && exp - payload.iat > maxLifetime)
      ) {
        throw new AppError(
          'UNAUTHENTICATED',
          `The token lives longer than the ${maxLifetime} seconds this server accepts (its "exp" is too far ahead)`,
        );
      }
      // Every check above passed (requiredClaims makes `exp` a number): only successes are remembered.
      if (cache && payload.exp !== undefined)
        cache.put(token, { userId: sub.toLowerCase(), exp: payload.exp, nbf: payload.nbf });
      return {
        userId: sub.toLowerCase(),
        expiresAt: payload.exp === undefined ? undefined : new Date(payload.exp * 1000),
      };
    },
  };
}

/** jose's own reading of a Date as a NumericDate, so a hit expires at exactly the second jose would refuse. */
const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

interface RememberedToken {
  readonly userId: string;
  readonly exp: number;
  readonly nbf: number | undefined;
}

/**
 * Tokens already verified, keyed by their exact text, kept in use order (a Map keeps
 * insertion order, so re-inserting on a hit makes it least-recently-used first). A hit is only
 * served while jose's time checks would still pass at the verifier's clock (`nbf <= now < exp`);
 * otherwise the entry is dropped and the token goes through the full check again, which refuses it
 * with jose's own reason. The text itself is the key (hashing it was 3% of a cached query's CPU):
 * the process holds the secret that signs any token, so keeping tokens it accepted adds nothing
 * a heap dump would not already give away.
 */
class VerifiedTokenCache {
  private readonly entries = new Map<string, RememberedToken>();
  constructor(private readonly maxEntries: number) {}

  take(key: string, now: number): RememberedToken | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.exp <= now || (entry.nbf !== undefined && entry.nbf > now)) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  put(key: string, entry: RememberedToken): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}

function describeJoseError(error: unknown): string {
  // The JWKS endpoint failing is our problem, not the caller's: a server error, not a 401.
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) throw error;
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'The token is signed with an algorithm that is not accepted';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is not valid';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token is signed with an unknown key';
  if (error instanceof joseErrors.JOSEError) return 'The token is not a valid signed JWT';
  // Not a token problem (e.g. the JWKS endpoint is down): let it surface as a server error.
  throw error;
}

export interface MintOptions {
  readonly secret: string;
  readonly userId: string;
  readonly audience: string;
  readonly issuer?: string | undefined;
  readonly now?: Date;
  /** Seconds until expiry; {@link DEV_TOKEN_TTL_SECONDS} (12 h) by default. */
  readonly ttlSeconds?: number;
}

/** A development token shaped like Supabase's (`sub`, `aud`, `role`), signed HS256. */
export async function mintToken(options: MintOptions): Promise<string> {
  if (!isUuid(options.userId)) throw new AppError('BAD_USER_INPUT', `User id must be a uuid, got "${options.userId}"`);
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId.toLowerCase())
    .setAudience(options.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.ttlSeconds ?? DEV_TOKEN_TTL_SECONDS));
  if (options.issuer) jwt.setIssuer(options.issuer);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
