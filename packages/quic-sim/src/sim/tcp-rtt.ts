/** RFC 6298 §2: the smoothed RTT, its variation, and the retransmission timeout they give. */
export class RttEstimator {
  srtt: number | undefined;
  rttvar = 0;
  /** §2.1: 1 s until the first measurement. */
  rto = 1_000_000;

  constructor(private readonly minRtoUs: number) {}

  /** §2.2-§2.4 with a new measurement `r` (µs), G = 1 ms; the minimum as configured (§2.4 says 1 s). */
  sample(r: number): void {
    if (this.srtt === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.rto = Math.max(this.minRtoUs, Math.round(this.srtt + Math.max(1000, 4 * this.rttvar)));
  }
}
