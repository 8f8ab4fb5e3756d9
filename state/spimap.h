/* SPI + direction -> child index, for the kernel's counter feed (one lookup per
 * SA per refresh, so it must not be a scan). Chained hash, grown as it fills. */
#ifndef IKEFLOW_STATE_SPIMAP_H
#define IKEFLOW_STATE_SPIMAP_H

#include <stdint.h>

struct spimap_ent;

struct spimap {
	struct spimap_ent **b;
	uint32_t	nb, n;
};

/* Adds or re-points the entry; 0 / -1 (out of memory). */
int	spimap_put(struct spimap *m, uint32_t spi, int dir, uint32_t child);
/* The child index, or 0. */
uint32_t spimap_get(const struct spimap *m, uint32_t spi, int dir);
/* Removes the entry if it names this child. */
void	spimap_del(struct spimap *m, uint32_t spi, int dir, uint32_t child);
void	spimap_clear(struct spimap *m);

#endif
