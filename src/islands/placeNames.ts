import { createSignal } from 'solid-js';

/**
 * The display names of stations and communities (the station documents' `name` and their
 * communities' names, served publicly by GET /api/communities), so the portal never shows a
 * resident an internal id ("demo-garden"). Fetched once per page, kept on the device for the
 * next offline visit; until they arrive a name reads as the neutral `fallback`, never the id.
 */
interface Names {
  stations: Record<string, string>;
  communities: Record<string, string>;
  /** Every station with its communities, in the server's order: the lists staff choose from. */
  places?: StationPlaces[];
}

export interface StationPlaces {
  id: string;
  name: string;
  communities: { id: string; name: string }[];
}

const KEY = 'hearthline:place-names';
const [names, setNames] = createSignal<Names | null>(readKept());
let asked = false;

function readKept(): Names | null {
  try {
    const kept = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
    return kept ? (JSON.parse(kept) as Names) : null;
  } catch {
    return null;
  }
}

function ask(): void {
  if (asked || typeof fetch === 'undefined') return;
  asked = true;
  void fetch('/api/communities', { headers: { accept: 'application/json' } })
    .then((res) => (res.ok ? (res.json() as Promise<{ stations: { id: string; name: string; communities: { id: string; name: string }[] }[] }>) : null))
    .then((body) => {
      if (!body) return;
      const next: Names = { stations: {}, communities: {}, places: body.stations.map((st) => ({ id: st.id, name: st.name, communities: st.communities.map((c) => ({ id: c.id, name: c.name })) })) };
      for (const s of body.stations) {
        next.stations[s.id] = s.name;
        for (const c of s.communities) next.communities[c.id] = c.name;
      }
      setNames(next);
      try {
        localStorage.setItem(KEY, JSON.stringify(next));
      } catch {
        // storage full or off: the names are fetched again next time
      }
    })
    .catch(() => {
      asked = false; // offline: ask again on the next read
    });
}

/** The community's display name, or `fallback` while it is not known. */
export function communityName(id: string, fallback: string): string {
  ask();
  return names()?.communities[id] ?? fallback;
}

/** The station's display name, or `fallback` while it is not known. */
export function stationName(id: string, fallback: string): string {
  ask();
  return names()?.stations[id] ?? fallback;
}

/** Every station with its communities and display names (empty while not known, e.g. offline on a first visit). */
export function placeList(): StationPlaces[] {
  ask();
  return names()?.places ?? [];
}
