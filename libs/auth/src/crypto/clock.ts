import { Injectable } from '@nestjs/common';

/** The time source of the auth lib, so unit tests can move it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
