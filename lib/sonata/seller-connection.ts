import type { ToleratedDeviations } from './deviations';

/**
 * Everything the wire needs to talk to one Seller. Built from the Seller registry (database or sellers.json);
 * secrets arrive here already decrypted and never leave the server.
 */
export interface SellerConnection {
  /** Registry slug, also the Seller's callback prefix on the portal (/sellers/<slug>). */
  slug: string;
  /** Base URLs up to and including the API version, without a trailing slash,
   * e.g. https://seller.example/mefApi/sonata/troubleTicket/v4 */
  baseUrls: {
    troubleTicket: string;
    appointment: string;
    workOrder: string;
  };
  oauth: {
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
    /** `operation`: request the scope named after each operationId (MEF security profile);
     * `fixed`: always request `fixedScope`; `none`: request no scope. */
    scopeMode: 'operation' | 'fixed' | 'none';
    fixedScope?: string;
  };
  /** Sent only in the multi-party case (MEF 79). */
  buyerId?: string;
  sellerId?: string;
  timeoutMs: number;
  /** What this Seller's answers may deviate from the schema by (deviations.ts); the known defects when absent. */
  toleratedDeviations?: ToleratedDeviations;
}

export type SonataApi = keyof SellerConnection['baseUrls'];
