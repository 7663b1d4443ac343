/**
 * Set by the server on every request to the connection's peer address, replacing whatever the client sent under
 * that name (lib/server/request-hooks.ts). Next keeps a client's own X-Forwarded-For as it is, so without this the
 * peer would be lost.
 */
export const PEER_ADDRESS_HEADER = 'x-portal-peer-address';
