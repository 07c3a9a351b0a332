import { Inject, Injectable } from '@nestjs/common';
import {
  coalesce,
  DomainError,
  ErrorCode,
  grpcSettings,
  jsonChunks,
  keysetRows,
  STREAM_CHUNK_CHARS,
  type Caller,
  type GrpcSettings,
} from '@app/core';
import { Clock } from '@app/core';
import { toLoginAttemptView, toSessionView, toUserView } from '../domain/views';
import { LoginAttemptRepository, type LoginAttemptExportRow } from '../persistence/login-attempt.repository';
import { SessionRepository, type SessionExportRow } from '../persistence/session.repository';
import { UserRepository } from '../persistence/user.repository';
import { AccountDataRegistry, EXPORT_BATCH_ROWS } from './account-data.registry';

export const EXPORT_FORMAT = 'chorus.account-export.v1';
/** Login history kept in an export; older attempts are left out. */
const EXPORT_ATTEMPTS = 10_000;
/** Room left in a message for the field's tag and length. */
const MESSAGE_FRAMING_BYTES = 16;

/**
 * Everything Chorus holds about a user (GDPR-style data portability), as one JSON document whose array sections
 * are AsyncIterables: rows are read a page at a time while the document is written (jsonChunks in @app/core), so
 * memory stays flat however large the library.
 */
@Injectable()
export class AccountExportService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly attempts: LoginAttemptRepository,
    private readonly registry: AccountDataRegistry,
    private readonly clock: Clock,
    @Inject(grpcSettings.KEY) private readonly grpc: GrpcSettings,
  ) {}

  /** The document to write; the account is checked here, before anything is sent. */
  async export(caller: Caller): Promise<Record<string, unknown>> {
    const user = await this.users.findById(caller.id);
    if (!user) {
      throw DomainError.unauthenticated('The account no longer exists');
    }
    const document: Record<string, unknown> = {
      format: EXPORT_FORMAT,
      exportedAt: this.clock.now().toISOString(),
      user: toUserView(user),
      sessions: this.sessionRows(user.id, caller.sessionId),
      loginAttempts: this.attemptRows(user.id),
    };
    for (const contributor of this.registry.all()) {
      document[contributor.section] = contributor.exportRows(user.id);
    }
    return document;
  }

  /**
   * The document as one string, for gRPC's ExportData: the message limit bounds it, so an export that would not fit
   * is refused as soon as it outgrows the limit (StreamExport has no limit), never built whole first.
   */
  async exportWhole(caller: Caller): Promise<string> {
    const parts: string[] = [];
    let length = 0;
    for await (const chunk of coalesce(jsonChunks(await this.export(caller)), STREAM_CHUNK_CHARS)) {
      length += Buffer.byteLength(chunk);
      if (length > this.grpc.GRPC_MAX_MESSAGE_BYTES - MESSAGE_FRAMING_BYTES) {
        throw new DomainError(
          ErrorCode.PAYLOAD_TOO_LARGE,
          'The export is larger than one message may be; use StreamExport (or GET /v1/me/export)',
        );
      }
      parts.push(chunk);
    }
    return parts.join('');
  }

  private async *sessionRows(userId: string, currentSessionId?: string): AsyncGenerator<unknown> {
    const rows = keysetRows<SessionExportRow>(
      (after, limit) => this.sessions.exportPage(userId, after, limit),
      EXPORT_BATCH_ROWS,
    );
    for await (const session of rows) {
      yield { ...toSessionView(session, currentSessionId), revokedAt: session.revokedAt?.toISOString() ?? null };
    }
  }

  private async *attemptRows(userId: string): AsyncGenerator<unknown> {
    let left = EXPORT_ATTEMPTS;
    const rows = keysetRows<LoginAttemptExportRow>(
      (after, limit) => this.attempts.exportPage(userId, after, limit),
      EXPORT_BATCH_ROWS,
    );
    for await (const attempt of rows) {
      if (left-- <= 0) {
        return;
      }
      yield toLoginAttemptView(attempt);
    }
  }
}
