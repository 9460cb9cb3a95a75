'use client';

import { useEffect, useState } from 'react';
import type { ErrorEnvelope, GadgetMeta, InventoryResponse } from '@podscope/protocol';
import { errorEnvelopeOf, hubClient } from './hubClient.ts';

export interface HubData {
  user: string | null;
  gadgets: GadgetMeta[] | null;
  inventory: InventoryResponse | null;
  /** Last failure loading any of the above (the picker shows it; data already loaded stays). */
  loadError: ErrorEnvelope | null;
}

/** Who is logged in, the gadget catalog, and the container inventory (polled). */
export function useHubData(inventoryIntervalMs = 3000): HubData {
  const [user, setUser] = useState<string | null>(null);
  const [gadgets, setGadgets] = useState<GadgetMeta[] | null>(null);
  const [inventory, setInventory] = useState<InventoryResponse | null>(null);
  const [loadError, setLoadError] = useState<ErrorEnvelope | null>(null);

  useEffect(() => {
    let alive = true;
    const fail = (err: unknown) => {
      if (alive) setLoadError(errorEnvelopeOf(err));
    };
    hubClient.me().then((u) => alive && setUser(u), fail);
    hubClient.gadgets().then((g) => alive && setGadgets(g), fail);
    const loadInventory = () =>
      hubClient.inventory().then((inv) => {
        if (!alive) return;
        setInventory(inv);
        setLoadError(null);
      }, fail);
    void loadInventory();
    const timer = setInterval(() => void loadInventory(), inventoryIntervalMs);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [inventoryIntervalMs]);

  return { user, gadgets, inventory, loadError };
}
