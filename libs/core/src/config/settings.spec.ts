import { HttpSettings } from './core.settings';
import { parseSettings, SettingsError } from './settings';

describe(parseSettings.name, () => {
  it.each([
    ['abc', '"abc"'],
    ['99999', '"99999"'],
  ])('should name HTTP_PORT=%s with the text as given', (value, shown) => {
    const sut = (): unknown => parseSettings(HttpSettings, { HTTP_PORT: value });

    expect(sut).toThrow(SettingsError);
    expect(sut).toThrow(`Invalid setting HTTP_PORT (${shown}): must be an integer between 0 and 65535`);
  });

  it('should take a valid HTTP_PORT', () => {
    expect(parseSettings(HttpSettings, { HTTP_PORT: '18080' }).HTTP_PORT).toBe(18080);
  });
});
