import { buildPortal } from './harness';

export default function setup(): void {
  buildPortal();
}
