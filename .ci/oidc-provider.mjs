// An OpenID provider on loopback for .ci/browser-check: oauth2-mock-server (npm, pinned in
// contract/typescript/package.json), with its issuer on 127.0.0.1 and the claims an
// organisation's provider would give. Run from a copy inside .contract-node (where its
// node_modules resolve): `node .contract-node/oidc-provider.mjs [port]`; prints the issuer.
//
// Users (authorization code with PKCE, as an intranet page signs in; or the password
// grant) get `email`, `name` and `groups` (defaults: a coordinator of the intranet, or what
// the token request names); client-credentials tokens get no user claims, as a service
// client's. Every token's audience is the service's, unless the request names another.
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256', { kid: 'key-1' });
server.service.on('beforeTokenSigning', (token, req) => {
  const body = req.body ?? {};
  token.payload.aud = body.aud ?? 'mantelmonitor-api';
  if (body.grant_type !== 'client_credentials') {
    token.payload.email = body.email ?? 'medewerker@intranet.example';
    token.payload.name = body.name ?? 'Medewerker Intranet';
    token.payload.groups = (body.groups ?? 'zorg-coordinatoren').split(',');
  } else {
    token.payload.sub = body.client_id ?? 'intranet-sync';
    token.payload.client_id = token.payload.sub;
  }
});
await server.start(Number(process.argv[2] ?? 0), '127.0.0.1');
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
console.log(server.issuer.url);
