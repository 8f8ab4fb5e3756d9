/* A keyed 64-bit mix for the engine's hash tables, whose keys (SPIs,
 * addresses) peers choose: with a random seed an attacker cannot aim many
 * keys at one bucket. splitmix64's finaliser. */
#ifndef IKEFLOW_IKE_HASH_H
#define IKEFLOW_IKE_HASH_H

#include <stdint.h>

static inline uint64_t
ike_mix64(uint64_t seed, uint64_t x)
{
	x ^= seed;
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

#endif
