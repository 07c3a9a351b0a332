/** Where a call came from, as recorded on sessions and login attempts. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
}
