// A real OpenID provider for tests: npm `oidc-provider`, configured from JSON, on a free port.
//
//   node tests/oidc/provider.mjs '<configuration as JSON>'
//
// Configuration: { clients: [client metadata], accounts: { "<login>": { claims } },
//   issuer?: "<identifier, when it must differ from the address it listens at>" }.
// The login is the account's subject, except for a client with "subject_type": "pairwise"
// (One Login), which gets its own subject for it: urn:fdc:gov.uk:2022:<hash>. Any login with
// any password signs in on the development login page; a login not in `accounts` has no claims.
//
// Once listening it prints one line of JSON, {"issuer": ..., "url": ...}, and serves until killed.
//
// Besides the protocol it plays the parts of the two providers Support Passport uses:
// - GOV.UK One Login: `vtr` is accepted on the authorisation request and the level asked for
//   comes back as `vot` in the ID token.
// - a misbehaving provider: POST /test/misbehave {"iss"|"aud"|"nonce"|"exp"|"vot": value,
//   "foreign_key": true} makes the next ID tokens carry those claims, or a signature from a key
//   not in the JWKS, until POST /test/misbehave {} puts it right.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const configuration = JSON.parse(process.argv[2] || '{}');
const accounts = configuration.accounts || {};

const signingKeys = await Promise.all(['ES256', 'RS256'].map(async (alg) => {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), alg, use: 'sig', kid: `test-${alg.toLowerCase()}` };
}));

const server = createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const url = `http://127.0.0.1:${server.address().port}`;
const issuer = configuration.issuer || url;

const scopeClaims = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name'],
  organisation: ['organisation'],
  phone: ['phone_number', 'phone_number_verified'],
};

const provider = new Provider(issuer, {
  clients: configuration.clients || [],
  jwks: { keys: signingKeys },
  claims: scopeClaims,
  scopes: Object.keys(scopeClaims),
  // Claims for the scopes asked for go in the ID token as well as userinfo, as both providers do.
  conformIdTokenClaims: false,
  extraParams: ['vtr'],
  subjectTypes: ['public', 'pairwise'],
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: (ctx, client) => Boolean(client.metadata()['require_pkce']) },
  extraClientMetadata: { properties: ['require_pkce'] },
  enabledJWA: { clientAuthSigningAlgValues: ['ES256', 'RS256'] },
  ttl: { IdToken: 300 },
  async pairwiseIdentifier(ctx, accountId, client) {
    const hash = createHash('sha256').update(`${client.sectorIdentifier} ${accountId}`);
    return `urn:fdc:gov.uk:2022:${hash.digest('base64url')}`;
  },
  async findAccount(ctx, id) {
    const claims = accounts[id] || {};
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  // No consent screen: the person consented by signing in (one page for the journeys).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
    await grant.save();
    return grant;
  },
});
// The harness listens on http://127.0.0.1; nothing here is a secure context.
provider.proxy = true;

let misbehaviour = {};
const levelForNonce = new Map();
const privateKeys = Object.fromEntries(signingKeys.map((jwk) => [jwk.alg, jwk]));

async function resign(idToken) {
  const header = jose.decodeProtectedHeader(idToken);
  const claims = jose.decodeJwt(idToken);
  const level = levelForNonce.get(claims.nonce);
  if (level) claims.vot = level;
  for (const name of ['iss', 'aud', 'nonce', 'exp', 'vot']) {
    if (name in misbehaviour) claims[name] = misbehaviour[name];
  }
  let key = await jose.importJWK(privateKeys[header.alg], header.alg);
  if (misbehaviour.foreign_key) {
    ({ privateKey: key } = await jose.generateKeyPair(header.alg));
  }
  return new jose.SignJWT(claims).setProtectedHeader(header).sign(key);
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/test/misbehave' && ctx.method === 'POST') {
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    misbehaviour = JSON.parse(body || '{}');
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/auth' && ctx.query.vtr) {
    // One Login: vtr is a JSON list of vectors; this provider meets the first one asked for.
    let vectors;
    try { vectors = JSON.parse(ctx.query.vtr); } catch { vectors = []; }
    if (!Array.isArray(vectors) || typeof vectors[0] !== 'string') {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'vtr must be a JSON list' };
      return;
    }
    if (ctx.query.nonce) levelForNonce.set(ctx.query.nonce, vectors[0]);
  }
  await next();
  if (ctx.path === '/token' && ctx.body && typeof ctx.body === 'object' && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token) };
  }
});

provider.on('server_error', (ctx, error) => { console.error(error); });
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer, url })}\n`);
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
