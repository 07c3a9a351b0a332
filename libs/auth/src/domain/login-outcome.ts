/** How one login attempt ended: what the audit table stores and the login metric counts. */
export type LoginOutcome = 'success' | 'bad_credentials' | 'throttled';
