/** What every panel of the lab provides. */
export interface Panel {
  /** The URL hash and DOM id: `#layers` opens it. */
  id: string;
  /** The tab's label in the current language. */
  title: () => string;
  /**
   * Builds the panel inside `root` (a `<section>` the lab made), once, the first time its tab opens.
   * Set `root.dataset.ready = "true"` when the panel has loaded what it shows (tests wait for it).
   */
  mount(root: HTMLElement): void | Promise<void>;
}
