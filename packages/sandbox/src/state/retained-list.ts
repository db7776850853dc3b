/**
 * A list that keeps only its latest items. Dropping the oldest item at every push would move the
 * whole list each time (a bulk injection of 100,000 messages then takes seconds); instead the
 * dropped items are cut off in one go once as many have piled up as are kept, so that a push
 * costs O(1) amortised and memory stays within twice the limit.
 */
export class RetainedList<T> {
  #items: T[] = [];
  /** Index of the oldest kept item in `#items`. */
  #start = 0;
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Appends an item, dropping the oldest when more than the limit are kept. */
  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length - this.#start > this.#limit) this.#start += 1;
    if (this.#start >= this.#limit) {
      this.#items = this.#items.slice(this.#start);
      this.#start = 0;
    }
  }

  /** Forgets every item. */
  clear(): void {
    this.#items = [];
    this.#start = 0;
  }

  /** How many items are kept. */
  get length(): number {
    return this.#items.length - this.#start;
  }

  /** The kept items, oldest first (a new array). */
  items(): T[] {
    return this.#items.slice(this.#start);
  }

  /** The kept items matching `keep`, oldest first (a new array). */
  filter(keep: (item: T) => boolean): T[] {
    const kept: T[] = [];
    for (let i = this.#start; i < this.#items.length; i++) {
      const item = this.#items[i] as T;
      if (keep(item)) kept.push(item);
    }
    return kept;
  }
}
