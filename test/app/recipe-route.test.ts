import { describe, expect, it } from 'vitest';
import { hashFromRoute, readHash } from '../../src/app/routes';

describe('recipe links as routes', () => {
  it('reads #recipe=<data> as a recipe to open in Jobs, and writes it back', () => {
    const data = 'q1ZKy8_PSSxSslIqSk1W0lEqTi0syk9WslIqLUotSsxRqgUA';
    expect(readHash(`#recipe=${data}`)).toEqual({ route: { area: 'jobs', recipe: data } });
    expect(hashFromRoute({ area: 'jobs', recipe: data })).toBe(`#recipe=${data}`);
    // Damaged data still reaches the recipe page, which says it is damaged.
    expect(readHash('#recipe=%%').route).toEqual({ area: 'jobs', recipe: '%%' });
    // Not a recipe: the usual routes.
    expect(readHash('#/jobs/recipe=x').route).toEqual({ area: 'jobs', job: 'recipe=x' });
  });
});
