/** What the Sellers write in notes, picked by the seeded choice so a run reads the same each time. */
export const NOTES = {
  startWork: [
    'Our engineers are looking into the issue.',
    'Ticket assigned to the service assurance team; diagnostics started.',
    'We have started troubleshooting from our network operations centre.',
  ],
  askInformation: [
    'Please confirm whether the customer premises equipment has been power-cycled, and share the time the issue was last seen.',
    'We need a contact on site who can give our engineer access to the equipment room. Please add one to the ticket.',
    'Could you send a traceroute from the affected site and the exact error users see?',
    'Please confirm the VLAN and the interface the service is delivered on; our records differ.',
  ],
  thanks: [
    'Thank you for the information; work continues.',
    'Information received, thank you. Resuming the investigation.',
  ],
  visit: [
    'A technician needs to inspect the equipment on site. Please book an appointment.',
    'Remote diagnostics point to faulty hardware at the site; an on-site visit is required.',
  ],
  visitTasks: [
    ['Inspect the network terminating unit', 'Replace the faulty optic if needed', 'Test the service end to end'],
    ['Check the on-site cabling and patching', 'Run a loopback test with the NOC'],
    ['Replace the customer premises equipment', 'Restore the configuration', 'Confirm service with the Buyer contact'],
  ],
  resolution: [
    'Resolved: a faulty line card was replaced in our aggregation node. Service is back to normal.',
    'Resolved: a misconfigured port at our edge router was corrected. Please confirm service is restored.',
    'Resolved: fibre damage repaired by our field team; optical levels are back within range.',
    'Resolved: congestion cleared by re-routing traffic onto a spare path. Please verify.',
  ],
  autoClose: ['No answer was received within the confirmation period, so the ticket was closed automatically.'],
  appointmentDone: [
    'The technician completed the work on site and the service tests passed.',
    'On-site work completed: hardware replaced and service verified with the site contact.',
  ],
  appointmentMissed: ['Our technician could not reach the site in time. We apologise; please book a new appointment.'],
  incident: [
    { description: 'Fibre cut on a backbone route affecting services in the area', incidentType: 'repair', impact: 'down' },
    { description: 'Packet loss on an aggregation router', incidentType: 'repair', impact: 'degraded' },
    { description: 'Intermittent flapping of an access link after a power event', incidentType: 'repair', impact: 'intermittent' },
    { description: 'Emergency maintenance on core switching equipment', incidentType: 'maintenance', impact: 'intermittent' },
  ],
  incidentWorking: ['Field engineers are on the way to the affected site.', 'Engineers are working to restore the service.'],
  incidentUpdate: [
    'Root cause identified; a repair crew is on site.',
    'Traffic partially restored over a backup path; repairs continue.',
  ],
  incidentClosed: ['Service restored and stable; the incident is closed.', 'Repairs completed and monitoring shows normal traffic.'],
} as const;
