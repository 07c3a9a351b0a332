import fc from 'fast-check';

// CI must be deterministic: property tests run from a fixed seed unless FC_SEED asks for another one
// (`FC_SEED=random npm test` explores new inputs; a failure prints the seed to replay).
const requested = process.env.FC_SEED;
if (requested !== 'random') {
  fc.configureGlobal({ seed: Number(requested ?? 20_261_123) });
}
