/** The seed of the property tests: `DUBAN_FC_SEED` (or `FC_SEED`) when set (to replay a failure), else random; printed. */
export function fcSeed(name: string): number {
  const given = process.env.DUBAN_FC_SEED ?? process.env.FC_SEED;
  const seed = given !== undefined && given !== '' && Number.isFinite(Number(given)) ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  // eslint-disable-next-line no-console
  console.log(`${name}: fast-check seed ${seed} (replay with DUBAN_FC_SEED=${seed})`);
  return seed;
}
