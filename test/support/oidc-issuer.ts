import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import Provider from 'oidc-provider';

/** The issuer's current signing key, so tests can also forge tokens the issuer never issued. */
export interface IssuerKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

export interface OidcIssuer {
  /** e.g. http://127.0.0.1:40123 */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly currentKey: IssuerKey;
  /** An RS256 JWT access token from the client credentials grant, for `audience`. */
  clientCredentialsToken(clientId: string, scope: string): Promise<string>;
  /** Publishes a new key under a new kid and removes the old one, as an IdP rotation does. */
  rotateKey(): Promise<void>;
  stop(): Promise<void>;
}

export interface OidcIssuerOptions {
  /** The resource (RFC 8707) tokens are issued for; becomes their `aud`. */
  readonly audience: string;
  /** Client ids; each client's secret is `<id>-secret`. */
  readonly clients: readonly string[];
  readonly scopes: readonly string[];
}

/** A port that was free a moment ago, for services whose URL must be known before they start. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A real OpenID Provider (`oidc-provider`) on 127.0.0.1 issuing JWT access tokens through the
 * client credentials grant. Rotation swaps in a provider with a new key behind the same URL.
 */
export async function startOidcIssuer(options: OidcIssuerOptions): Promise<OidcIssuer> {
  let handler: (request: IncomingMessage, response: ServerResponse) => Promise<void> | void = (
    _,
    response,
  ) => {
    response.writeHead(503).end();
  };
  const server: Server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let generation = 0;
  let currentKey: IssuerKey;
  const install = async () => {
    generation += 1;
    const kid = `issuer-key-${generation}`;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(privateKey)), alg: 'RS256', kid, use: 'sig' };
    const provider = new Provider(issuer, providerConfiguration(options, jwk));
    handler = provider.callback();
    currentKey = { kid, privateKey };
  };
  await install();

  return {
    clientCredentialsToken: async (clientId, scope) => {
      const response = await fetch(`${issuer}/token`, {
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource: options.audience,
          scope,
        }),
        headers: {
          Authorization: `Basic ${Buffer.from(`${clientId}:${clientId}-secret`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        method: 'POST',
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (!response.ok || !body.access_token) {
        throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
      }
      return body.access_token;
    },
    get currentKey() {
      return currentKey;
    },
    issuer,
    jwksUri: `${issuer}/jwks`,
    rotateKey: install,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    tokenEndpoint: `${issuer}/token`,
  };
}

function providerConfiguration(options: OidcIssuerOptions, jwk: JWK) {
  const scope = options.scopes.join(' ');
  return {
    clients: options.clients.map((clientId) => ({
      client_id: clientId,
      client_secret: `${clientId}-secret`,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        defaultResource: () => options.audience,
        enabled: true,
        getResourceServerInfo: (_context: unknown, resource: string) => ({
          accessTokenFormat: 'jwt' as const,
          accessTokenTTL: 300,
          audience: resource,
          jwt: { sign: { alg: 'RS256' as const } },
          scope,
        }),
        useGrantedResource: () => true,
      },
    },
    jwks: { keys: [jwk] },
    scopes: [...options.scopes],
    ttl: { ClientCredentials: 300 },
  };
}
