"use client";

import { useLiveList } from "../data-table/use-live-list";

/** The fleet-wide container list, kept current by the fleet's live feed (see useLiveList). */
export const useLiveContainers = () => useLiveList("containers");
