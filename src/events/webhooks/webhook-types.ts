/** A webhook subscription as the API shows it (never with its secret, but in the create/rotate answer). */
export interface WebhookView {
  id: string;
  accountId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One event's delivery to one subscription, as the delivery log shows it. */
export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string | null;
  subject: string | null;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt: string | null;
}
