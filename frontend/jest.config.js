// Tests run in UTC so that times read the same on every machine.
process.env.TZ = 'UTC';

module.exports = {
  ...require('./.config/jest.config'),
};
