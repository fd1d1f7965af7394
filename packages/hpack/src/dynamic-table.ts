/**
 * The dynamic table, RFC 7541 §2.3.2 and §4: a FIFO of fields, newest at the lowest index (62), whose
 * size is the sum of name + value + 32 octets per entry (§4.1); adding past the maximum size evicts the
 * oldest entries first (§4.4), and an entry larger than the maximum empties the table (§4.4).
 */

/** The read-only view both HpackEncoder and HpackDecoder expose. */
export interface DynamicTableView {
  /** Entries, newest first (index 62 first). */
  readonly entries: Array<[string, string]>;
  /** Current size in octets (§4.1). */
  readonly size: number;
  /** Maximum size in octets. */
  readonly maxSize: number;
}

/** §4.1: "The size of an entry is the sum of its name's length in octets, its value's length in octets, and 32." */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + 32;
}

export class DynamicTable implements DynamicTableView {
  private names: string[] = [];
  private values: string[] = [];
  /** Absolute insertion number of each stored entry, oldest first. */
  private ids: number[] = [];
  private head = 0; // index of the oldest live entry in the arrays
  private inserted = 0; // entries ever inserted
  private currentSize = 0;
  private max: number;
  /** Newest insertion id for each (name, value) and each name, for the encoder's lookups. */
  private readonly pairs = new Map<string, Map<string, number>>();
  private readonly byName = new Map<string, number>();
  private readonly indexed: boolean;

  /** `indexed`: keep the lookup maps (the encoder needs them; the decoder does not). */
  constructor(maxSize: number, indexed = false) {
    this.max = maxSize;
    this.indexed = indexed;
  }

  get size(): number {
    return this.currentSize;
  }

  get maxSize(): number {
    return this.max;
  }

  get length(): number {
    return this.names.length - this.head;
  }

  get entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = this.names.length - 1; i >= this.head; i--) out.push([this.names[i]!, this.values[i]!]);
    return out;
  }

  /** The entry at dynamic index `i` (1 = newest), or undefined. */
  get(i: number): [string, string] | undefined {
    const at = this.names.length - i;
    if (i < 1 || at < this.head) return undefined;
    return [this.names[at]!, this.values[at]!];
  }

  name(i: number): string | undefined {
    const at = this.names.length - i;
    return i < 1 || at < this.head ? undefined : this.names[at];
  }

  /** Dynamic index (1 = newest) of the exact pair, or 0. */
  findPair(name: string, value: string): number {
    const id = this.pairs.get(name)?.get(value);
    return id === undefined ? 0 : this.inserted - id;
  }

  /** Dynamic index of the newest entry with this name, or 0. */
  findName(name: string): number {
    const id = this.byName.get(name);
    return id === undefined ? 0 : this.inserted - id;
  }

  /** §4.4: adds an entry, evicting as needed; an entry larger than the maximum empties the table. */
  add(name: string, value: string): void {
    const size = entrySize(name, value);
    if (size > this.max) {
      this.evictTo(0);
      return;
    }
    this.evictTo(this.max - size);
    this.names.push(name);
    this.values.push(value);
    this.ids.push(this.inserted);
    if (this.indexed) {
      let values = this.pairs.get(name);
      if (values === undefined) {
        values = new Map();
        this.pairs.set(name, values);
      }
      values.set(value, this.inserted);
      this.byName.set(name, this.inserted);
    }
    this.inserted++;
    this.currentSize += size;
  }

  /** §4.3: a new maximum size, evicting the oldest entries until the table fits. */
  setMaxSize(max: number): void {
    this.max = max;
    this.evictTo(max);
  }

  private evictTo(limit: number): void {
    while (this.currentSize > limit && this.head < this.names.length) {
      const name = this.names[this.head]!;
      const value = this.values[this.head]!;
      const id = this.ids[this.head]!;
      this.currentSize -= entrySize(name, value);
      if (this.indexed) {
        const values = this.pairs.get(name);
        if (values?.get(value) === id) values.delete(value);
        if (this.byName.get(name) === id) this.byName.delete(name);
      }
      this.head++;
    }
    // Compact now and then so the arrays do not grow without bound.
    if (this.head > 64 && this.head * 2 > this.names.length) {
      this.names = this.names.slice(this.head);
      this.values = this.values.slice(this.head);
      this.ids = this.ids.slice(this.head);
      this.head = 0;
    }
  }
}
