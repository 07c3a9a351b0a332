import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Env values are strings; `Boolean("false")` is true, so booleans get an explicit, strict parse. */
export function BooleanSetting(): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }: { value: unknown }) => {
      if (typeof value === 'boolean') {
        return value;
      }
      const text = String(value).trim().toLowerCase();
      return TRUE.has(text) ? true : FALSE.has(text) ? false : value;
    })(target, key);
    IsBoolean({ message: 'must be true or false' })(target, key);
  };
}

export function IntSetting(min: number, max: number = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return (target, key) => {
    // Env values are strings and the property's design type is not emitted for initialized fields.
    Type(() => Number)(target, key);
    IsInt({ message: `must be an integer between ${min} and ${max}` })(target, key);
    Min(min, { message: `must be an integer between ${min} and ${max}` })(target, key);
    Max(max, { message: `must be an integer between ${min} and ${max}` })(target, key);
  };
}

export function OneOfSetting(values: readonly string[]): PropertyDecorator {
  return IsIn(values as string[], { message: `must be one of ${values.join(', ')}` });
}
