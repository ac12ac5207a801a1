// TypeScript declarations for the Carebox loader's JavaScript API (`window.Carebox`).
// Served beside the loader: https://<your Carebox origin>/carebox.d.ts. See docs/embedding.md.

/** A screen the panel can open on (a deep link). */
export type CareboxView = "home" | "track" | "order" | "report" | "bonuses" | "rate";

/** `open()`'s target: `{ view: "order", order: "NW-1003" }`. */
export interface CareboxTarget {
  view: CareboxView;
  /** An order number, for `order` and `report`; an order the shopper has no token for opens
   * the lookup form with this number filled in. */
  order?: string;
}

/** The languages the widget speaks. Other tags fall back to English. */
export type CareboxLocale = "en" | "ru" | "ar" | (string & {});

/** `init()`'s options; the snippet's `data-*` attributes are the same by name. */
export interface CareboxOptions {
  /** The merchant's publishable key (`pk_…`). */
  key: string;
  /** The Carebox API origin; default: the origin `carebox.js` was loaded from. */
  api?: string;
  /** Default: the page's `<html lang>`, then the browser's language. */
  locale?: CareboxLocale;
  /** A shopper token the merchant's backend signed; same as `identify(token)`. */
  shopperToken?: string;
  /** `"frame"` forces frame mode; default: chosen by the page's CSP. */
  mode?: "frame";
  /** The launcher's corner; mirrored for a right-to-left language. */
  position?: "right" | "left";
  /** A `mailto:` or `https:` link offered when the widget cannot start at all. */
  contact?: string;
  /** Where the launcher's element goes; default: `document.body`. */
  target?: Element;
  /** Draws the panel inside this element (or the first one the selector matches), open,
   * with no launcher. Throws when the selector matches nothing. */
  mount?: string | Element;
  /** With `mount`: the screen it starts on. */
  view?: CareboxView;
  /** With `mount` and `view: "order"` or `"report"`: the order. */
  order?: string;
  /** The colour scheme; wins over the merchant's. Default: the merchant's, else `auto`. */
  theme?: "light" | "dark" | "auto";
  /** Text after the launcher's icon (a pill); also its accessible name. */
  label?: string;
  /** Texts to change, per language, by key (`{ en: { "complaint.send": "Send" } }`). */
  strings?: Partial<Record<"en" | "ru" | "ar", Record<string, string>>>;
}

/** Who answers a complaint: the support team, a team lead, the head of support. */
export type CareboxLevel = "l1" | "l2" | "l3";

/** `detail` of each event, by name. */
export interface CareboxEvents {
  ready: undefined;
  error: { message: string };
  open: undefined;
  close: undefined;
  "complaint-submitted": { ticket: string; orderNumber: string; level: CareboxLevel };
  "complaint-escalated": { ticket: string; orderNumber: string; level: CareboxLevel };
  "csat-submitted": { subject: string; score: 1 | 2 | 3 | 4 | 5; changed: boolean };
}

/** One widget on the page. */
export interface CareboxInstance {
  /** Loads the app if needed and opens the panel, on `target`'s screen when given. Rejects
   * with a message that lists the views when `target.view` is not one. */
  open(target?: CareboxTarget): Promise<void>;
  close(): void;
  toggle(): Promise<void>;
  /** `false` until the app has loaded. */
  isOpen(): boolean;
  /** Names the shopper (`null` forgets them); loads nothing by itself. */
  identify(token: string | null): void;
  /** Switches language (fetching its texts first, the first time). */
  setLocale(locale: CareboxLocale): void;
  /** For single-page apps, after a route change: puts the widget back if the page removed it. */
  update(changes?: { locale?: CareboxLocale; shopperToken?: string | null }): void;
  /** Calls `listener(detail)` on each `name` event; returns a function that unsubscribes. */
  on<Name extends keyof CareboxEvents>(name: Name, listener: (detail: CareboxEvents[Name]) => void): () => void;
  /** Removes the widget and everything it started or stored; the instance is spent. */
  destroy(): void;
  /** The `<carebox-widget>` element. */
  readonly host: HTMLElement;
}

/** `window.Carebox`: drives the first widget; `init()` makes more. */
export interface CareboxApi extends Omit<CareboxInstance, "host"> {
  init(options: CareboxOptions): CareboxInstance;
  readonly instances: CareboxInstance[];
  readonly current: CareboxInstance | null;
}

declare global {
  interface Window {
    Carebox: CareboxApi;
  }
  interface HTMLElementTagNameMap {
    "carebox-widget": HTMLElement;
  }
  interface HTMLElementEventMap {
    "carebox:ready": CustomEvent<undefined>;
    "carebox:error": CustomEvent<CareboxEvents["error"]>;
    "carebox:open": CustomEvent<undefined>;
    "carebox:close": CustomEvent<undefined>;
    "carebox:complaint-submitted": CustomEvent<CareboxEvents["complaint-submitted"]>;
    "carebox:complaint-escalated": CustomEvent<CareboxEvents["complaint-escalated"]>;
    "carebox:csat-submitted": CustomEvent<CareboxEvents["csat-submitted"]>;
  }
}
