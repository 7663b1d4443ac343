import http from 'node:http';
import { listenerTargetOf, serveListenerCall } from '@/lib/listener/node-listener';
import { PEER_ADDRESS_HEADER } from '@/lib/security/peer-address';

const KEY = Symbol.for('sonata-portal.request-hooks');

interface HookState {
  started: boolean;
  settled: Promise<void>;
}

/**
 * Installed before the server starts; runs before Next's request handler on every HTTP server of this process:
 * - stamps the connection's peer address (lib/security/peer-address.ts), replacing whatever the client sent;
 * - answers Seller notifications on the server's own listener path (lib/listener/node-listener.ts). Calls that
 *   arrive while the server is still starting (migrations) wait for it, as Next's own routes do.
 */
export function installRequestHooks(serverStarted: Promise<void>): void {
  const state: HookState = {
    started: false,
    settled: serverStarted.then(
      () => undefined,
      () => undefined,
    ),
  };
  void state.settled.then(() => {
    state.started = true;
  });
  const proto = http.Server.prototype as unknown as { emit: (event: string, ...args: unknown[]) => boolean; [KEY]?: HookState };
  const installed = proto[KEY] !== undefined;
  proto[KEY] = state;
  if (installed) return;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const request = args[0] as http.IncomingMessage;
      request.headers[PEER_ADDRESS_HEADER] = request.socket?.remoteAddress ?? '';
      const target = listenerTargetOf(request.method, request.url);
      if (target) {
        const response = args[1] as http.ServerResponse;
        const current = proto[KEY]!;
        if (current.started) void serveListenerCall(request, response, target);
        else void current.settled.then(() => serveListenerCall(request, response, target));
        return true;
      }
    }
    return emit.call(this, event, ...args);
  };
}
