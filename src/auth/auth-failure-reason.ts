/**
 * Why a request was refused, as logged server-side when `MCP_JWT_DEBUG_ERRORS=true`.
 * Categories only: never the token, a claim value or key material.
 */
export type AuthFailureReason =
  | 'no token'
  | 'malformed'
  | 'token too large'
  | 'algorithm mismatch'
  | 'unsupported critical header'
  | 'unknown kid'
  | 'key set unavailable'
  | 'bad signature'
  | 'expired'
  | 'missing exp'
  | 'not yet valid'
  | 'issuer mismatch'
  | 'audience mismatch'
  | 'missing scope'
  | 'no user claim'
  | 'unknown user'
  | 'inactive user'
  | 'user resolver failed'
  | 'rejected by provider';
