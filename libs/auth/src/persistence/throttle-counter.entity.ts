import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Fixed-window counters for brute-force limits when Redis is absent or down. */
@Entity({ name: 'auth_throttle_counters' })
@Index('auth_throttle_counters_window_idx', ['windowEndsAt'])
export class ThrottleCounterEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'integer' })
  count!: number;

  @Column({ name: 'window_ends_at', type: 'timestamptz' })
  windowEndsAt!: Date;
}
