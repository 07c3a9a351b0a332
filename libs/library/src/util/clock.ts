import { Injectable } from '@nestjs/common';

/** The time, behind a class so unit tests can pin it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
