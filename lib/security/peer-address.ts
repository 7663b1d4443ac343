import http from 'node:http';

/**
 * Set by the server on every request to the connection's peer address, replacing whatever the client sent under
 * that name. Next keeps a client's own X-Forwarded-For as it is, so without this the peer would be lost.
 */
export const PEER_ADDRESS_HEADER = 'x-portal-peer-address';

const INSTALLED = Symbol.for('sonata-portal.peer-address');

/** Makes every HTTP server in this process stamp PEER_ADDRESS_HEADER before its request handlers run. */
export function recordPeerAddresses(): void {
  const proto = http.Server.prototype as unknown as { emit: (event: string, ...args: unknown[]) => boolean; [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_ADDRESS_HEADER] = req.socket?.remoteAddress ?? '';
    }
    return emit.call(this, event, ...args);
  };
}
