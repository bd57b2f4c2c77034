/** What a person compares in bindings: ports, addresses, handlers, filters. Extracted from BindingInfo XML by the adapters. */
export interface SendPortSummary {
  name: string;
  transport: string;
  address: string;
  host: string;
  hostTrusted: boolean;
  /** Canonical filter text, '' when none. */
  filter: string;
  /** SHA-256 of the canonical adapter configuration (masked secrets compare equal). */
  configHash: string;
}

export interface ReceiveLocationSummary {
  port: string;
  name: string;
  transport: string;
  address: string;
  host: string;
  hostTrusted: boolean;
  enabled: boolean;
  configHash: string;
}

export interface ServiceSummary {
  name: string;
  host: string;
  hostTrusted: boolean;
}

export interface BindingsSummary {
  sendPorts: SendPortSummary[];
  receiveLocations: ReceiveLocationSummary[];
  sendPortGroups: string[];
  services: ServiceSummary[];
}

export const emptyBindingsSummary = (): BindingsSummary => ({ sendPorts: [], receiveLocations: [], sendPortGroups: [], services: [] });
