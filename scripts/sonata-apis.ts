import path from 'node:path';

/** The six MEF OpenAPI files and the names their generated modules take. */
export const MEF_APIS = [
  { file: 'troubleTicketManagement.api.yaml', name: 'trouble-ticket', specExport: 'troubleTicketSpec' },
  { file: 'troubleTicketNotification.api.yaml', name: 'trouble-ticket-notification', specExport: 'troubleTicketNotificationSpec' },
  { file: 'appointmentManagement.api.yaml', name: 'appointment', specExport: 'appointmentSpec' },
  { file: 'appointmentNotification.api.yaml', name: 'appointment-notification', specExport: 'appointmentNotificationSpec' },
  { file: 'workorderManagement.api.yaml', name: 'work-order', specExport: 'workOrderSpec' },
  { file: 'workorderNotification.api.yaml', name: 'work-order-notification', specExport: 'workOrderNotificationSpec' },
] as const;

export const sourceDir = () => path.resolve(process.env.MEF_API_DIR ?? path.join(process.cwd(), '..', 'shared', 'mef', 'api'));
export const generatedDir = () => path.resolve(process.cwd(), 'lib', 'sonata', 'generated');
