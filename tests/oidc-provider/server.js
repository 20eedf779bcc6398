// A real OpenID Connect provider (oidc-provider, a certified implementation) on loopback for the identity tests.
// Started by scripts/test.sh: node tests/oidc-provider/server.js [port] (0 or none: a free port). It prints
// "oidc-provider listening on <issuer>" once it answers, and exits when AO_OIDC_PARENT_PID (the script) is gone.
//
// - Test users (the provider's development login page: one of the ids below; it checks no password), with groups and
//   roles claims.
// - The console client "ao-console": a loopback "native" client, so its callback may be on any port (RFC 8252 7.3).
// - API tokens: client_credentials for the fixed clients below, as JWT access tokens for a resource (audience);
//   sub is the client id, groups/roles come from the client's entry. "ao-api-short" tokens live 1 second.
// - POST /admin/rotate: a new signing key (new kid) signs from then on; the old one stays published.
import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

let issuer;

const users = {
  tina: { groups: ['team-leads'], roles: ['approver'] },
  ada: { groups: ['platform'], roles: ['admin', 'auditor'] },
  nobody: { groups: [], roles: [] },
};

const apiClients = {
  'ao-api-approver': { groups: ['team-leads'], roles: ['approver'] },
  'ao-api-admin': { groups: [], roles: ['admin'] },
  'ao-api-short': { groups: [], roles: ['admin'] },
};

const newKey = () => ({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' });
let keys = [newKey()];

const configuration = () => ({
  clients: [
    {
      client_id: 'ao-console', client_secret: 'ao-console-secret', application_type: 'native',
      redirect_uris: ['http://127.0.0.1/account/signin-oidc'], grant_types: ['authorization_code'], response_types: ['code'],
    },
    ...Object.keys(apiClients).map((id) => ({
      client_id: id, client_secret: `${id}-secret`, grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    })),
  ],
  jwks: { keys },
  findAccount: (ctx, id) => (users[id] ? {
    accountId: id,
    claims: () => ({ sub: id, name: id, groups: users[id].groups, roles: users[id].roles }),
  } : undefined),
  claims: { openid: ['sub'], profile: ['name', 'groups', 'roles'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true }, // the provider's own login and consent pages
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // The console's sign-in asks for no resource: its access token is for the userinfo endpoint.
      defaultResource: (ctx, client) => (client.clientId === 'ao-console' ? undefined : 'urn:approval-orchestrator'),
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource, client) => ({
        scope: 'api',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: client.clientId === 'ao-api-short' ? 1 : 600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  extraTokenClaims: (ctx, token) => (token.kind === 'ClientCredentials' && apiClients[token.clientId]
    ? { groups: apiClients[token.clientId].groups, roles: apiClients[token.clientId].roles } : undefined),
  // Consent is implied for the test clients: the login page is the interaction under test.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile');
    grant.addOIDCClaims(['groups', 'roles', 'name']);
    await grant.save();
    return grant;
  },
});

const build = () => {
  const provider = new Provider(issuer, configuration());
  provider.proxy = false;
  return provider.callback();
};
let handler;

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/admin/rotate') {
    keys = [newKey(), ...keys];
    handler = build();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kid: keys[0].kid }));
    return;
  }
  handler(req, res);
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  handler = build();
  console.log(`oidc-provider listening on ${issuer}`);
});

const parent = Number(process.env.AO_OIDC_PARENT_PID ?? 0);
if (parent > 0) {
  setInterval(() => {
    try { process.kill(parent, 0); } catch { process.exit(0); }
  }, 1000).unref();
}
