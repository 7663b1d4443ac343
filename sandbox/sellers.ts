/** The Sellers the sandbox plays. Everything a Seller "knows" about the Buyer lives here; state lives in the DB. */

export interface SiteAddress {
  streetNr: string;
  streetName: string;
  city: string;
  postcode: string;
  stateOrProvince?: string;
  country: string;
}

export interface SellerSite {
  id: string;
  name: string;
  address: SiteAddress;
  /** IANA time zone: technicians' working hours are read in it. */
  timeZone: string;
  region: string;
}

export interface SellerProduct {
  id: string;
  name: string;
  siteId: string;
}

/** Weekday numbers follow ISO 8601: 1 = Monday … 7 = Sunday. Times are local to the site. */
export interface WeeklyBlock {
  weekdays: number[];
  start: string;
  end: string;
  reason?: string;
}

export interface Technician {
  id: string;
  name: string;
  phone: string;
  email: string;
  regions: string[];
  workingHours: WeeklyBlock;
  /** Standing commitments (training, other customers) that are never free. */
  bookings: WeeklyBlock[];
}

export interface SellerContact {
  name: string;
  number: string;
  emailAddress: string;
  organization: string;
}

/** MEF LSO reference point of a Seller: Sonata (Buyer ↔ Seller) or Cantata (Customer ↔ Service Provider). */
export type ReferencePoint = 'sonata' | 'cantata';

export interface SellerConfig {
  slug: string;
  /** Where its APIs live and where it notifies the Buyer: /mefApi/<referencePoint>/…; default sonata. */
  referencePoint?: ReferencePoint;
  /** Ships the known defects of the MEF sources on purpose (see imperfections.ts); the strict Sellers have none. */
  imperfect?: boolean;
  name: string;
  personality: string;
  offersIncidents: boolean;
  /** Extra latency added to each MEF answer, [min, max] milliseconds. */
  latencyMs?: [number, number];
  /** Seller-clock delays, before the SANDBOX_CLOCK speed factor. */
  delays: { cancellationAssessmentMs: number; resumeAfterReopenMs: number };
  /** Whether a work order the Seller creates needs a technician appointment unless told otherwise. */
  workOrdersNeedAppointment: boolean;
  appointmentSlotMinutes: number;
  searchHorizonDays: number;
  ticketContact: SellerContact;
  technicalContact: SellerContact;
  sites: SellerSite[];
  products: SellerProduct[];
  technicians: Technician[];
}

const weekdays = [1, 2, 3, 4, 5];

export const SELLERS: readonly SellerConfig[] = [
  {
    slug: 'acme',
    name: 'Acme Networks',
    personality: 'Quick and cooperative: acknowledges at once, resolves fast, rarely needs a visit.',
    offersIncidents: true,
    delays: { cancellationAssessmentMs: 3_000, resumeAfterReopenMs: 2_000 },
    workOrdersNeedAppointment: false,
    appointmentSlotMinutes: 120,
    searchHorizonDays: 60,
    ticketContact: { name: 'Acme Service Desk', number: '+33 1 70 00 00 00', emailAddress: 'servicedesk@acme.example', organization: 'Acme Networks' },
    technicalContact: { name: 'Acme Field Operations', number: '+33 1 70 00 00 10', emailAddress: 'field@acme.example', organization: 'Acme Networks' },
    sites: [
      {
        id: 'acme-site-paris-hq',
        name: 'Paris headquarters',
        address: { streetNr: '12', streetName: 'Rue de la Paix', city: 'Paris', postcode: '75002', country: 'FR' },
        timeZone: 'Europe/Paris',
        region: 'ile-de-france',
      },
      {
        id: 'acme-site-lyon-dc',
        name: 'Lyon data centre',
        address: { streetNr: '5', streetName: 'Quai Perrache', city: 'Lyon', postcode: '69002', country: 'FR' },
        timeZone: 'Europe/Paris',
        region: 'auvergne-rhone-alpes',
      },
    ],
    products: [
      { id: 'acme-prod-ethernet-001', name: 'Ethernet Private Line 1 Gbps Paris–Lyon', siteId: 'acme-site-paris-hq' },
      { id: 'acme-prod-dia-002', name: 'Dedicated Internet Access 500 Mbps', siteId: 'acme-site-paris-hq' },
      { id: 'acme-prod-evpl-003', name: 'Ethernet Virtual Private Line 200 Mbps', siteId: 'acme-site-lyon-dc' },
      { id: 'acme-prod-wave-004', name: '10G Wavelength Lyon', siteId: 'acme-site-lyon-dc' },
    ],
    technicians: [
      {
        id: 'acme-tech-claire',
        name: 'Claire Martin',
        phone: '+33 6 10 00 00 01',
        email: 'claire.martin@acme.example',
        regions: ['ile-de-france'],
        workingHours: { weekdays, start: '08:00', end: '18:00' },
        bookings: [{ weekdays: [1], start: '08:00', end: '10:00', reason: 'Weekly safety briefing' }],
      },
      {
        id: 'acme-tech-hugo',
        name: 'Hugo Bernard',
        phone: '+33 6 10 00 00 02',
        email: 'hugo.bernard@acme.example',
        regions: ['auvergne-rhone-alpes'],
        workingHours: { weekdays, start: '08:00', end: '16:00' },
        bookings: [],
      },
      {
        id: 'acme-tech-lea',
        name: 'Léa Dubois',
        phone: '+33 6 10 00 00 03',
        email: 'lea.dubois@acme.example',
        regions: ['auvergne-rhone-alpes'],
        workingHours: { weekdays, start: '10:00', end: '18:00' },
        bookings: [],
      },
    ],
  },
  {
    slug: 'globex',
    name: 'Globex Telecom',
    personality: 'Thorough: often asks the Buyer for information and sends technicians on site by appointment.',
    offersIncidents: true,
    delays: { cancellationAssessmentMs: 6_000, resumeAfterReopenMs: 5_000 },
    workOrdersNeedAppointment: true,
    appointmentSlotMinutes: 120,
    searchHorizonDays: 60,
    ticketContact: { name: 'Globex NOC', number: '+1 212 555 0100', emailAddress: 'noc@globex.example', organization: 'Globex Telecom' },
    technicalContact: { name: 'Globex Field Services', number: '+1 212 555 0110', emailAddress: 'field@globex.example', organization: 'Globex Telecom' },
    sites: [
      {
        id: 'globex-site-nyc',
        name: 'New York office',
        address: { streetNr: '350', streetName: '5th Avenue', city: 'New York', postcode: '10118', stateOrProvince: 'NY', country: 'US' },
        timeZone: 'America/New_York',
        region: 'us-east',
      },
      {
        id: 'globex-site-chicago',
        name: 'Chicago branch',
        address: { streetNr: '233', streetName: 'South Wacker Drive', city: 'Chicago', postcode: '60606', stateOrProvince: 'IL', country: 'US' },
        timeZone: 'America/Chicago',
        region: 'us-central',
      },
    ],
    products: [
      { id: 'globex-prod-access-101', name: 'Ethernet Access 1 Gbps NYC', siteId: 'globex-site-nyc' },
      { id: 'globex-prod-ipvpn-102', name: 'IP VPN port 100 Mbps NYC', siteId: 'globex-site-nyc' },
      { id: 'globex-prod-sdwan-103', name: 'SD-WAN edge Chicago', siteId: 'globex-site-chicago' },
      { id: 'globex-prod-access-104', name: 'Ethernet Access 500 Mbps Chicago', siteId: 'globex-site-chicago' },
      { id: 'globex-prod-voice-105', name: 'SIP trunk 30 channels NYC', siteId: 'globex-site-nyc' },
    ],
    technicians: [
      {
        id: 'globex-tech-dana',
        name: 'Dana Whitfield',
        phone: '+1 917 555 0101',
        email: 'dana.whitfield@globex.example',
        regions: ['us-east'],
        workingHours: { weekdays, start: '09:00', end: '17:00' },
        bookings: [
          { weekdays: [2, 4], start: '09:00', end: '13:00', reason: 'Enterprise installs' },
          { weekdays: [5], start: '15:00', end: '17:00', reason: 'Vehicle maintenance' },
        ],
      },
      {
        id: 'globex-tech-marcus',
        name: 'Marcus Lee',
        phone: '+1 312 555 0102',
        email: 'marcus.lee@globex.example',
        regions: ['us-central'],
        workingHours: { weekdays: [1, 2, 3, 4], start: '07:00', end: '15:00' },
        bookings: [{ weekdays: [3], start: '07:00', end: '11:00', reason: 'Training' }],
      },
    ],
  },
  {
    slug: 'initech',
    name: 'Initech Carrier Services',
    personality: 'Slow to answer and offers no incident reporting (incident operations answer 501).',
    offersIncidents: false,
    latencyMs: [300, 800],
    delays: { cancellationAssessmentMs: 15_000, resumeAfterReopenMs: 12_000 },
    workOrdersNeedAppointment: true,
    appointmentSlotMinutes: 120,
    searchHorizonDays: 60,
    ticketContact: { name: 'Initech Support', number: '+81 3 5555 0100', emailAddress: 'support@initech.example', organization: 'Initech Carrier Services' },
    technicalContact: { name: 'Initech Field Engineering', number: '+81 3 5555 0110', emailAddress: 'field@initech.example', organization: 'Initech Carrier Services' },
    sites: [
      {
        id: 'initech-site-tokyo',
        name: 'Tokyo Shinjuku office',
        address: { streetNr: '2-8-1', streetName: 'Nishi-Shinjuku', city: 'Tokyo', postcode: '163-8001', country: 'JP' },
        timeZone: 'Asia/Tokyo',
        region: 'kanto',
      },
      {
        id: 'initech-site-osaka',
        name: 'Osaka branch',
        address: { streetNr: '1-1-1', streetName: 'Umeda', city: 'Osaka', postcode: '530-0001', country: 'JP' },
        timeZone: 'Asia/Tokyo',
        region: 'kansai',
      },
    ],
    products: [
      { id: 'initech-prod-fiber-201', name: 'Dark fibre pair Shinjuku', siteId: 'initech-site-tokyo' },
      { id: 'initech-prod-mpls-202', name: 'MPLS port 1 Gbps Tokyo', siteId: 'initech-site-tokyo' },
      { id: 'initech-prod-colo-203', name: 'Colocation half rack Osaka', siteId: 'initech-site-osaka' },
    ],
    technicians: [
      {
        id: 'initech-tech-kenji',
        name: 'Kenji Sato',
        phone: '+81 90 5555 0101',
        email: 'kenji.sato@initech.example',
        regions: ['kanto', 'kansai'],
        workingHours: { weekdays, start: '09:00', end: '17:00' },
        bookings: [{ weekdays: [1, 3, 5], start: '13:00', end: '15:00', reason: 'Data centre rounds' }],
      },
    ],
  },
];

/** A fourth Seller, played unless SANDBOX_IMPERFECT=0: it answers like the sources' defects. */
export const IMPERFECT_SELLER: SellerConfig = {
  slug: 'vandelay',
  imperfect: true,
  name: 'Vandelay Networks',
  personality:
    'Imperfect: list items miss required fields, answers say application/json without charset and carry unknown members, ' +
    'GET /workorder is a bare array, notifications come late, twice or with event times out of order.',
  offersIncidents: true,
  delays: { cancellationAssessmentMs: 4_000, resumeAfterReopenMs: 3_000 },
  workOrdersNeedAppointment: true,
  appointmentSlotMinutes: 120,
  searchHorizonDays: 60,
  ticketContact: { name: 'Vandelay Help Desk', number: '+44 20 7946 0300', emailAddress: 'help@vandelay.example', organization: 'Vandelay Networks' },
  technicalContact: { name: 'Vandelay Field Team', number: '+44 20 7946 0310', emailAddress: 'field@vandelay.example', organization: 'Vandelay Networks' },
  sites: [
    {
      id: 'vandelay-site-london',
      name: 'London office',
      address: { streetNr: '1', streetName: 'Poultry', city: 'London', postcode: 'EC2R 8EJ', country: 'GB' },
      timeZone: 'Europe/London',
      region: 'london',
    },
  ],
  products: [
    { id: 'vandelay-prod-ethernet-301', name: 'Ethernet Access 1 Gbps London', siteId: 'vandelay-site-london' },
    { id: 'vandelay-prod-ipt-302', name: 'IP Transit 10 Gbps London', siteId: 'vandelay-site-london' },
  ],
  technicians: [
    {
      id: 'vandelay-tech-art',
      name: 'Art Vandelay',
      phone: '+44 7700 900301',
      email: 'art@vandelay.example',
      regions: ['london'],
      workingHours: { weekdays, start: '09:00', end: '17:00' },
      bookings: [],
    },
  ],
};

/**
 * A Service Provider on the Cantata reference point, only when asked for (SANDBOX_CANTATA=1 or SANDBOX_SELLERS): the
 * same MEF 113 APIs and strict rules as the others, served under /<slug>/mefApi/cantata/…, and notifications sent to
 * the Customer's listeners under {callback}/mefApi/cantata/….
 */
export const CANTATA_PROVIDER: SellerConfig = {
  slug: 'umbrella',
  referencePoint: 'cantata',
  name: 'Umbrella Managed Services',
  personality: 'A Service Provider on Cantata: the trouble ticket, appointment and work order APIs under /mefApi/cantata, notifications to the Customer’s Cantata listeners.',
  offersIncidents: true,
  delays: { cancellationAssessmentMs: 3_000, resumeAfterReopenMs: 2_000 },
  workOrdersNeedAppointment: false,
  appointmentSlotMinutes: 120,
  searchHorizonDays: 60,
  ticketContact: { name: 'Umbrella Service Centre', number: '+49 30 5555 0200', emailAddress: 'service@umbrella.example', organization: 'Umbrella Managed Services' },
  technicalContact: { name: 'Umbrella Field Crew', number: '+49 30 5555 0210', emailAddress: 'field@umbrella.example', organization: 'Umbrella Managed Services' },
  sites: [
    {
      id: 'umbrella-site-berlin',
      name: 'Berlin office',
      address: { streetNr: '10', streetName: 'Friedrichstraße', city: 'Berlin', postcode: '10117', country: 'DE' },
      timeZone: 'Europe/Berlin',
      region: 'berlin',
    },
  ],
  products: [
    { id: 'umbrella-prod-sdwan-401', name: 'Managed SD-WAN Berlin', siteId: 'umbrella-site-berlin' },
    { id: 'umbrella-prod-lan-402', name: 'Managed LAN Berlin office', siteId: 'umbrella-site-berlin' },
  ],
  technicians: [
    {
      id: 'umbrella-tech-jana',
      name: 'Jana Weber',
      phone: '+49 170 5555 0401',
      email: 'jana.weber@umbrella.example',
      regions: ['berlin'],
      workingHours: { weekdays, start: '08:00', end: '17:00' },
      bookings: [],
    },
  ],
};

/** Every Seller the sandbox can play; which ones it does is sandboxSellers(). */
export const ALL_SELLERS: readonly SellerConfig[] = [...SELLERS, IMPERFECT_SELLER, CANTATA_PROVIDER];

export function referencePointOf(seller: SellerConfig): ReferencePoint {
  return seller.referencePoint ?? 'sonata';
}

const on = (value: string | undefined) => value === '1' || value === 'true';
const off = (value: string | undefined) => value === '0' || value === 'false';

/**
 * The Sellers to play: SANDBOX_SELLERS (comma-separated slugs) when set, else the three strict Sellers and the
 * imperfect one (unless SANDBOX_IMPERFECT=0), plus the Cantata provider when SANDBOX_CANTATA=1. Throws on an unknown slug.
 */
export function sandboxSellers(env: Record<string, string | undefined> = process.env): readonly SellerConfig[] {
  const list = env['SANDBOX_SELLERS']?.split(',').map((s) => s.trim()).filter(Boolean);
  if (list?.length) {
    return list.map((slug) => {
      const seller = ALL_SELLERS.find((s) => s.slug === slug);
      if (!seller) throw new Error(`SANDBOX_SELLERS names an unknown Seller ${slug}; known: ${ALL_SELLERS.map((s) => s.slug).join(', ')}`);
      return seller;
    });
  }
  return [...SELLERS, ...(off(env['SANDBOX_IMPERFECT']) ? [] : [IMPERFECT_SELLER]), ...(on(env['SANDBOX_CANTATA']) ? [CANTATA_PROVIDER] : [])];
}

export function findSeller(slug: string): SellerConfig | undefined {
  return ALL_SELLERS.find((s) => s.slug === slug);
}

export function siteOf(seller: SellerConfig, productId: string): SellerSite | undefined {
  const product = seller.products.find((p) => p.id === productId);
  return product ? seller.sites.find((s) => s.id === product.siteId) : undefined;
}
